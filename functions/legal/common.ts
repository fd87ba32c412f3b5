import type { Phone, SiteContacts } from '../core/site-contacts';
import { html, page, type SafeHtml } from '../platform/html';

export const emailLink = (address: string) => html`<a href="mailto:${address}">${address}</a>`;
export const phoneLink = (phone: Phone) => html`<a href="${phone.href}">${phone.text}</a>`;

/** Where a citizen writes about their data: the privacy address, else the help desk, else the Assistenza page. */
export function privacyAddress(contacts: SiteContacts): SafeHtml {
  const address = contacts.privacyContact ?? contacts.helpEmail;
  return address ? emailLink(address) : html`i recapiti indicati nella pagina <a href="/assistenza">Assistenza</a>`;
}

/** A period the code keeps in milliseconds, as the pages say it. */
export const minutes = (ms: number) => `${ms / 60_000} minuti`;

/** The footer's pages are long reading: one column of comfortable width, headings in order under one h1. */
export function legalPage(title: string, lead: SafeHtml, sections: SafeHtml): Response {
  return page({
    title,
    body: html`<div class="row"><div class="col-lg-9 col-xl-8">
<h1 class="h2">${title}</h1>
<p class="lead">${lead}</p>
${sections}
</div></div>`,
  });
}

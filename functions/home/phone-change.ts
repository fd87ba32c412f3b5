import type { IRequest } from 'itty-router';
import { FLOW_ID_SHAPE } from '../core/flow-id';
import { html, page, type SafeHtml } from '../platform/html';

/**
 * GET /cellulare-non-corretto — where "Il numero di cellulare non è corretto? Scopri come modificarlo"
 * leads, from step 2.1 and from the login's SMS page (R-ACT-3: the number is not changed here). It
 * holds no state; `torna` names the page to go back to, and only our own pages are accepted.
 */
export const PHONE_CHANGE_PATH = '/cellulare-non-corretto';

/** The guides' sentence with its link; `back` is the page the citizen is on. */
export function phoneChangeHint(back: string): SafeHtml {
  const href = `${PHONE_CHANGE_PATH}?${new URLSearchParams({ torna: back })}`;
  return html`<p>Il numero di cellulare non è corretto? <a href="${href}">Scopri come modificarlo</a></p>`;
}

export function phoneChangePage(request: IRequest): Response {
  const torna = new URL(request.url).searchParams.get('torna') ?? '';
  const loginPage = torna.startsWith('/login/') && FLOW_ID_SHAPE.test(torna.slice('/login/'.length));
  const back = loginPage ? { href: torna, text: "Torna all'accesso" } : { href: '/attivazione', text: "Torna all'attivazione" };
  return page({
    title: 'Il numero di cellulare non è corretto?',
    body: html`<h1 class="h2">Il numero di cellulare non è corretto?</h1>
<p class="lead">Il numero di cellulare delle credenziali CIE è quello che hai comunicato al Comune quando hai richiesto la Carta d'Identità Elettronica. Non è possibile modificarlo online, né durante l'attivazione né durante l'accesso: può aggiornarlo solo il Comune, presso l'ufficio anagrafe.</p>
<h2 class="h4 mt-4">Come modificarlo</h2>
<p>Rivolgiti all'ufficio anagrafe del tuo Comune e chiedi di aggiornare il numero di cellulare associato alla tua CIE.</p>
<p>Ogni identità digitale CIE ha il suo numero di cellulare: un numero già associato alla CIE di un'altra persona non può essere usato.</p>
<div class="d-flex flex-wrap gap-2 mt-4">
<a class="btn btn-primary" href="${back.href}">${back.text}</a>
${back.href === '/attivazione' ? '' : html`<a class="btn btn-outline-primary" href="/attivazione">Attiva le credenziali</a>`}
</div>`,
  });
}

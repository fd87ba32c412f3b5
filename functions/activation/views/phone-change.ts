import type { IRequest } from 'itty-router';
import { html, page, type SafeHtml } from '../../platform/html';

/**
 * GET /cellulare-non-corretto — where "Il numero di cellulare non è corretto? Scopri come modificarlo"
 * leads, from step 2.1 and from the login's SMS page (R-ACT-3: the number is not changed here). It
 * holds no state; `torna` names the page to go back to, and only our own pages are accepted.
 */
export const PHONE_CHANGE_PATH = '/cellulare-non-corretto';

const LOGIN_PAGE = /^\/login\/[A-Za-z0-9_-]{16,128}$/;

/** The guides' sentence with its link; `back` is the page the citizen is on. */
export function phoneChangeHint(back: string): SafeHtml {
  const href = `${PHONE_CHANGE_PATH}?${new URLSearchParams({ torna: back })}`;
  return html`<p>Il numero di cellulare non è corretto? <a href="${href}">Scopri come modificarlo</a></p>`;
}

export function phoneChangePage(request: IRequest): Response {
  const torna = new URL(request.url).searchParams.get('torna') ?? '';
  const back = LOGIN_PAGE.test(torna) ? { href: torna, text: "Torna all'accesso" } : { href: '/attivazione', text: "Torna all'attivazione" };
  return page({
    title: 'Il numero di cellulare non è corretto?',
    body: html`<h1 class="h2">Il numero di cellulare non è corretto?</h1>
<p class="lead">Il numero di cellulare delle credenziali CIE è quello che hai comunicato al Comune quando hai richiesto la Carta d'Identità Elettronica. Non è possibile modificarlo online, né durante l'attivazione né durante l'accesso: può aggiornarlo solo il Comune, presso l'ufficio anagrafe.</p>
<h2 class="h4 mt-4">Come modificarlo</h2>
<ol>
  <li>Recati all'ufficio anagrafe del tuo Comune.</li>
  <li>Porta con te la Carta d'Identità Elettronica, o un altro documento d'identità valido, e il nuovo numero di cellulare.</li>
  <li>Chiedi di aggiornare il numero di cellulare associato alla tua CIE.</li>
</ol>
<p>Ogni identità digitale CIE ha il suo numero di cellulare: un numero già associato alla CIE di un'altra persona non può essere usato.</p>
<h2 class="h4 mt-4">Dopo la modifica</h2>
<p>Attiva di nuovo le credenziali CIE, così i codici di verifica arriveranno al nuovo numero. Ti serviranno il codice fiscale, il numero di serie della carta e il codice PUK; la nuova attivazione sostituisce le credenziali precedenti.</p>
<div class="d-flex flex-wrap gap-2 mt-4">
<a class="btn btn-primary" href="${back.href}">${back.text}</a>
${back.href === '/attivazione' ? '' : html`<a class="btn btn-outline-primary" href="/attivazione">Attiva le credenziali</a>`}
</div>`,
  });
}

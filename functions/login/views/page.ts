import { LEVEL_NAMES } from '../../core/login-levels';
import { type SafeHtml, contentSecurityPolicy, html, page, csrfField } from '../../platform/html';
import { errorBox } from '../../platform/form-error';
import type { LoginRequest } from '../../core/login-request';

/** R-LOG-1: every login page names the level and the requesting service. */
export function requestTitle(request: LoginRequest): string {
  return `RICHIESTA D'ACCESSO CIE LIVELLO ${request.acr}`;
}

export function requestHeader(request: LoginRequest): SafeHtml {
  return html`<h1 class="h3">${requestTitle(request)}</h1>
<p class="h4" id="ente">${request.clientName}</p>
<p class="text-uppercase small text-secondary">LIVELLO ${request.acr} | ${LEVEL_NAMES[request.acr]}</p>`;
}

/** A refusal is the focused error box whose id the fields in error point to; a notice is only announced. */
export function alert(message: string | undefined, kind: 'danger' | 'info' = 'danger'): SafeHtml {
  if (!message) return html``;
  return kind === 'danger' ? errorBox(message) : html`<div class="alert alert-info" role="status">${message}</div>`;
}

export { csrfField };

/** A button that posts to one of the flow's actions (Annulla, Torna al servizio, Invia di nuovo). */
export function actionButton(action: string, csrf: string, label: string, kind: 'primary' | 'secondary' = 'secondary'): SafeHtml {
  return html`<form method="post" action="${action}" class="d-inline">${csrfField(csrf)}<button type="submit" class="btn btn-${kind}">${label}</button></form>`;
}

/**
 * A sentence whose last words are a button posting to one of the flow's actions, read as one
 * sentence: the form holds the paragraph, since a <form> opened inside a <p> closes it and breaks
 * the sentence in two. The button looks like the link the guide shows (.btn-inline, /cieid.css).
 */
export function actionSentence(action: string, csrf: string, before: string, label: string, after = ''): SafeHtml {
  return html`<form method="post" action="${action}">${csrfField(csrf)}<p>${before} <button type="submit" class="btn btn-link btn-inline">${label}</button>${after}</p></form>`;
}

/**
 * The login pages post only to themselves; `same-origin` (instead of the site-wide `no-referrer`)
 * lets browsers send a real `Origin` on those posts, which platform/csrf checks. Their posts may
 * end in a redirect to the RP (consent, Annulla, Torna al servizio), so its origin is a form target.
 */
export function loginPage(request: LoginRequest, body: SafeHtml, status = 200, headers: Record<string, string> = {}): Response {
  // /login-page.js (external, for the CSP): a page answering a post shows the flow's own address.
  const withScript = html`${body}
<script src="/login-page.js" defer></script>`;
  return page({ title: `${requestTitle(request)} · ${request.clientName}`, section: 'Entra con CIE', body: withScript }, status, {
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': contentSecurityPolicy([new URL(request.redirectUri).origin]),
    ...headers,
  });
}

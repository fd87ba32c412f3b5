import { EMAIL_MAX } from '../../../core/contacts';
import { csrfField, html } from '../../../platform/html';
import { errorAlert, textField } from '../../../activation/views/common';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';
import { codeForm } from './code';

const title = (current: string | null) => (current ? 'Modifica email' : 'Aggiungi email');

/** GET /area-personale/email — the new address, to which a code will go. */
export function emailPage(session: AreaSession, v: { current: string | null; value?: string; errors?: readonly string[] }, status = 200): Response {
  const errors = v.errors ?? [];
  return areaPage({
    title: title(v.current),
    current: null,
    parent: 'gestione',
    session,
    status,
    body: html`${errorAlert(errors)}
${v.current ? html`<p>Indirizzo attuale: <strong>${v.current}</strong>.</p>` : html`<p>Non hai ancora indicato un indirizzo email.</p>`}
<p>L’indirizzo che verifichi riceve le notifiche di sicurezza e potrai usarlo come username.</p>
<form method="post" action="${AREA_PATHS.email}" novalidate>
${csrfField(session.csrf)}
${textField({ id: 'email', label: 'Nuovo indirizzo email', type: 'email', value: v.value, maxlength: EMAIL_MAX, autocomplete: 'email', inputmode: 'email', invalid: errors.length > 0 })}
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Invia codice</button>
<a class="btn btn-outline-secondary" href="${AREA_PATHS.profile}">Annulla</a>
</div>
</form>`,
  });
}

/** The code page: the code went to the new address. */
export function emailCodePage(
  session: AreaSession,
  v: { flowId: string; email: string; current: string | null; errors?: readonly string[] },
  status = 200,
): Response {
  return areaPage({
    title: title(v.current),
    current: null,
    parent: 'gestione',
    session,
    status,
    body: codeForm({ action: `${AREA_PATHS.email}/${v.flowId}`, csrf: session.csrf, sentTo: v.email, errors: v.errors ?? [], back: AREA_PATHS.profile }),
  });
}

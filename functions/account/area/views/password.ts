import { PASSWORD_CRITERIA } from '../../../core/password-policy';
import { csrfField, html } from '../../../platform/html';
import { PASSWORD_FIELD_MAX } from '../../../platform/password-check';
import { errorAlert, textField } from '../../../activation/views/common';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';

export type PasswordFormField = 'attuale' | 'nuova' | 'conferma';

export interface PasswordFormView {
  errors: readonly string[];
  invalid?: readonly PasswordFormField[];
}

/** GET /area-personale/password — "Modifica Password" (R-ACC-2): the current one, then the new one twice. */
export function passwordPage(session: AreaSession, v: PasswordFormView = { errors: [] }, status = 200): Response {
  const invalid = (f: PasswordFormField) => v.invalid?.includes(f) ?? false;
  return areaPage({
    title: 'Modifica Password',
    current: null,
    parent: 'gestione',
    session,
    status,
    body: html`${errorAlert(v.errors)}
<form method="post" action="${AREA_PATHS.password}" novalidate>
${csrfField(session.csrf)}
${textField({ id: 'attuale', label: 'Password attuale', type: 'password', maxlength: PASSWORD_FIELD_MAX, autocomplete: 'current-password', invalid: invalid('attuale') })}
${textField({ id: 'nuova', label: 'Nuova password', type: 'password', maxlength: PASSWORD_FIELD_MAX, autocomplete: 'new-password', hint: 'Vedi i criteri qui sotto.', invalid: invalid('nuova') })}
${textField({ id: 'conferma', label: 'Conferma nuova password', type: 'password', maxlength: PASSWORD_FIELD_MAX, autocomplete: 'new-password', invalid: invalid('conferma') })}
<p class="mb-1">La nuova password deve rispettare i seguenti criteri:</p>
<ul class="small">${PASSWORD_CRITERIA.map((c) => html`<li>${c}</li>`)}<li>non può essere una delle ultime 5 password usate</li></ul>
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Modifica Password</button>
<a class="btn btn-outline-secondary" href="${AREA_PATHS.profile}">Annulla</a>
</div>
</form>`,
  });
}

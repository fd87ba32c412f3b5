import type { ActivationStep } from '../../core/activation-steps';
import { CSRF_FIELD } from '../../platform/csrf';
import { html, page, type SafeHtml } from '../../platform/html';
import { stepper } from '../stepper';

export const SECTION = 'Attivazione credenziali CIE';

export interface StepPageOptions {
  step: ActivationStep;
  heading: string;
  body: SafeHtml;
  status?: number;
  headers?: Record<string, string>;
}

export function stepPage({ step, heading, body, status = 200, headers = {} }: StepPageOptions): Response {
  return page(
    { title: heading, section: SECTION, body: html`${stepper(step)}<h1 class="h3 mb-3">${heading}</h1>${body}` },
    status,
    headers,
  );
}

/** The contract's error box: every message, in the order the checks found them. */
export function errorAlert(errors: readonly string[]): SafeHtml {
  if (!errors.length) return html``;
  const [first, ...rest] = errors;
  return html`<div class="alert alert-danger" role="alert">${
    rest.length ? html`<ul class="mb-0">${errors.map((e) => html`<li>${e}</li>`)}</ul>` : html`<p class="mb-0">${first}</p>`
  }</div>`;
}

export function notice(text: string | null | undefined): SafeHtml {
  return text ? html`<div class="alert alert-info" role="status"><p class="mb-0">${text}</p></div>` : html``;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

export interface TextFieldOptions {
  id: string;
  label: string;
  value?: string;
  type?: 'text' | 'email' | 'password';
  maxlength: number;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  hint?: string;
}

/**
 * Labelled by `<label for>`, which is how the contract's tests find fields. `active` keeps Bootstrap
 * Italia's label above the box without the theme's script, which the CSP does not load.
 */
export function textField(o: TextFieldOptions): SafeHtml {
  const hintId = o.hint ? `${o.id}-hint` : '';
  return html`<div class="form-group mb-3">
<label for="${o.id}" class="form-label active">${o.label}</label>
<input type="${o.type ?? 'text'}" class="form-control" id="${o.id}" name="${o.id}" value="${o.type === 'password' ? '' : (o.value ?? '')}" maxlength="${o.maxlength}" autocomplete="${o.autocomplete ?? 'off'}"${o.inputmode ? html` inputmode="${o.inputmode}"` : ''} aria-required="true" spellcheck="false"${hintId ? html` aria-describedby="${hintId}"` : ''}>
${o.hint ? html`<small id="${hintId}" class="form-text">${o.hint}</small>` : ''}
</div>`;
}

/** "Annulla attivazione": its own little form, so abandoning never carries what the citizen typed. */
export function cancelForm(csrf: string): SafeHtml {
  return html`<form method="post" action="/attivazione/annulla" class="mt-4">
${csrfField(csrf)}
<button type="submit" class="btn btn-outline-secondary">Annulla attivazione</button>
</form>`;
}

import type { ActivationStep } from '../../core/activation-steps';
import { ACTIVATION_FIELD_MAX } from '../../core/activation-input';
import { html, page, type SafeHtml, csrfField } from '../../platform/html';
import { errorBox, fieldAria } from '../../platform/form-error';
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
  return page({ title: heading, section: SECTION, body: html`${stepper(step)}<h1 class="h3 mb-3">${heading}</h1>${body}` }, status, headers);
}

/** The contract's error box: every message, in the order the checks found them; focused on load. */
export function errorAlert(errors: readonly string[]): SafeHtml {
  if (!errors.length) return html``;
  const [first, ...rest] = errors;
  return errorBox(rest.length ? html`<ul class="mb-0">${errors.map((e) => html`<li>${e}</li>`)}</ul>` : html`<p class="mb-0">${first}</p>`);
}

export function notice(text: string | null | undefined): SafeHtml {
  return text ? html`<div class="alert alert-info" role="status"><p class="mb-0">${text}</p></div>` : html``;
}

export { csrfField };

export interface TextFieldOptions {
  id: string;
  label: string;
  value?: string;
  type?: 'text' | 'email' | 'password';
  maxlength: number;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  hint?: string;
  /** A message of the error box is about this field: it says so and points to the message. */
  invalid?: boolean;
}

/**
 * Labelled by `<label for>`, which is how the contract's tests find fields. `active` keeps Bootstrap
 * Italia's label above the box without the theme's script, which the CSP does not load.
 */
export function textField(o: TextFieldOptions): SafeHtml {
  const hintId = o.hint ? `${o.id}-hint` : undefined;
  return html`<div class="form-group mb-3">
<label for="${o.id}" class="form-label active">${o.label}</label>
<input type="${o.type ?? 'text'}" class="form-control${o.invalid ? ' is-invalid' : ''}" id="${o.id}" name="${o.id}" value="${o.type === 'password' ? '' : (o.value ?? '')}" maxlength="${o.maxlength}" autocomplete="${o.autocomplete ?? 'off'}"${o.inputmode ? html` inputmode="${o.inputmode}"` : ''} aria-required="true" spellcheck="false"${fieldAria(o.invalid ?? false, hintId)}>
${hintId ? html`<small id="${hintId}" class="form-text">${o.hint}</small>` : ''}
</div>`;
}

/** "Annulla attivazione": its own little form, so abandoning never carries what the citizen typed. */
export function cancelForm(csrf: string): SafeHtml {
  return html`<form method="post" action="/attivazione/annulla" class="mt-4">
${csrfField(csrf)}
<button type="submit" class="btn btn-outline-secondary">Annulla attivazione</button>
</form>`;
}

/** An email may have been filed as spam: the guide says where to look before asking again. */
const NOT_RECEIVED = {
  SMS: "Non hai ricevuto l'SMS?",
  email: 'Non hai ricevuto l\'email? Controlla anche nella cartella della posta indesiderata (spam); se non c\'è, premi "Invia email di nuovo".',
} as const;

/**
 * The code-entry block of steps 2.1 and 2.2 (R-OTP-1): the guides' texts, the "Codice di verifica OTP"
 * field and "Continua", then the channel's own ways out (send again, change address, skip).
 */
export function otpEntry(v: {
  csrf: string;
  channel: 'SMS' | 'email';
  action: string;
  extraButtons: SafeHtml;
  /** The error box is about the code typed (not, say, about a re-send asked too soon). */
  invalid?: boolean;
}): SafeHtml {
  return html`<h2 class="h5 mt-4">Inserimento codice temporaneo OTP</h2>
<p>Per proseguire inserire il codice temporaneo OTP che ti è stato inviato tramite ${v.channel}. Il codice è valido 5 minuti.</p>
<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'otp', label: 'Codice di verifica OTP', maxlength: ACTIVATION_FIELD_MAX.otp, inputmode: 'numeric', autocomplete: 'one-time-code', invalid: v.invalid })}
<p class="small mb-2">${NOT_RECEIVED[v.channel]}</p>
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Continua</button>
${v.extraButtons}
</div>
</form>`;
}

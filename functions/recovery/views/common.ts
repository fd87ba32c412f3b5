import { html, page, type SafeHtml } from '../../platform/html';
import { ACTIVATION_FIELD_MAX } from '../../core/activation-input';
import { csrfField, errorAlert, notice, textField } from '../../activation/views/common';

export { csrfField, errorAlert, notice, textField };

/** A recovery's page: its heading, the section it belongs to, and a body. */
export function recoveryPage(v: { section: string; heading: string; body: SafeHtml; status?: number; headers?: Record<string, string> }): Response {
  return page({ title: v.heading, section: v.section, body: html`<h1 class="h3 mb-3">${v.heading}</h1>${v.body}` }, v.status ?? 200, v.headers ?? {});
}

/** A page that only says something (gone, refused, done), with one way on. */
export function messagePage(v: {
  section: string;
  title: string;
  message: string;
  link: { href: string; text: string };
  kind?: 'danger' | 'info' | 'success';
  status?: number;
  headers?: Record<string, string>;
}): Response {
  const kind = v.kind ?? 'danger';
  return page(
    {
      title: v.title,
      section: v.section,
      body: html`<div class="alert alert-${kind}" role="${kind === 'danger' ? 'alert' : 'status'}"><h1 class="h4">${v.title}</h1><p class="mb-0">${v.message}</p></div>
<a class="btn btn-primary" href="${v.link.href}">${v.link.text}</a>`,
    },
    v.status ?? 200,
    v.headers ?? {},
  );
}

export interface CodeFormView {
  csrf: string;
  /** Where the code is posted; "Invia di nuovo" posts to `resend` when given. */
  action: string;
  resend?: string;
  errors: string[];
  /** The error box is about the code typed (not, say, a re-send asked too soon). */
  invalid?: boolean;
}

/** R-OTP-1: the "Codice di verifica OTP" field, "Continua", and "Invia di nuovo". */
export function codeForm(v: CodeFormView): SafeHtml {
  return html`<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'otp', label: 'Codice di verifica OTP', maxlength: ACTIVATION_FIELD_MAX.otp, inputmode: 'numeric', autocomplete: 'one-time-code', hint: 'Il codice è di 4 cifre e vale 5 minuti.', invalid: v.invalid })}
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Continua</button>
${v.resend ? html`<button type="submit" class="btn btn-outline-primary" formaction="${v.resend}">Invia di nuovo</button>` : ''}
</div>
</form>`;
}

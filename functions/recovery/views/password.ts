import { html, type SafeHtml } from '../../platform/html';
import { captchaHeaders, captchaWidget } from '../../platform/captcha';
import { PASSWORD_CRITERIA } from '../../core/password-policy';
import { USERNAME_MAX } from '../../core/login-username';
import { NEW_PASSWORD_FIELD_MAX, type NewPasswordField } from '../../core/recovery-input';
import { maskEmail } from '../../core/contacts';
import { type CodeFormView, codeForm, csrfField, errorAlert, messagePage, notice, recoveryPage, textField } from './common';

/** R-ACC-2 on the web: "Hai dimenticato la password?" as the login page and the guides say it. */
export const PASSWORD_SECTION = 'Recupero password';
export const PASSWORD_PATH = '/recupero-password';
const HEADING = 'Hai dimenticato la password?';

export interface UsernameView {
  csrf: string;
  /** The login to lead back to, carried by the form; null when the recovery was not opened from one. */
  login: string | null;
  username: string;
  errors: string[];
  invalid?: boolean;
  /** Turnstile's site key when the captcha is on (platform/captcha). */
  captchaSiteKey: string | null;
  status?: number;
  headers?: Record<string, string>;
}

/** The username, as the login asks for it (R-LOG-1): the codes go to the contacts on record, never to one typed here. */
export function usernamePage(v: UsernameView): Response {
  return recoveryPage({
    section: PASSWORD_SECTION,
    heading: HEADING,
    status: v.status,
    headers: { ...captchaHeaders(v.captchaSiteKey), ...v.headers },
    body: html`${errorAlert(v.errors)}
<p class="lead">Puoi scegliere una nuova password con un codice che ti inviamo via SMS al cellulare associato alle tue credenziali (e, se lo hai verificato, anche via email).</p>
<form method="post" action="${PASSWORD_PATH}" novalidate>
${csrfField(v.csrf)}
${v.login ? html`<input type="hidden" name="login" value="${v.login}">` : ''}
${textField({ id: 'username', label: 'Numero CIE o Codice fiscale o Email', value: v.username, maxlength: USERNAME_MAX, autocomplete: 'username', invalid: v.invalid })}
${captchaWidget(v.captchaSiteKey)}
<button type="submit" class="btn btn-primary">Continua</button>
</form>
<h2 class="h5 mt-5">Non hai più il cellulare associato alle credenziali?</h2>
<p>Puoi impostare una nuova password anche attivando di nuovo le credenziali con la Carta e il PUK: la nuova password sostituisce la precedente.</p>
<p><a class="btn btn-outline-primary" href="/attivazione">Imposta una nuova password</a></p>
<p>Non hai più il PUK? <a href="/recupero-puk">Recupera PUK</a></p>`,
  });
}

export interface PasswordCodeView extends Omit<CodeFormView, 'action' | 'resend'> {
  step: 'sms' | 'email';
  /** The verified address the email's code went to (shown masked); only at step email. */
  email: string | null;
  info?: string;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * The code's page. At step sms it says only "if the data are right": a username nobody holds gets this
 * very page (no page says whether a username exists). At step email the SMS code has proved the phone.
 */
export function passwordCodePage(v: PasswordCodeView): Response {
  const intro: SafeHtml =
    v.step === 'sms'
      ? html`<p>Se i dati sono corretti, ti abbiamo inviato un codice via SMS al numero di cellulare associato alle tue credenziali. Inseriscilo qui sotto per continuare.</p>`
      : html`<p>Ti abbiamo inviato un secondo codice via email all'indirizzo <strong>${maskEmail(v.email ?? '')}</strong>. Controlla anche nella cartella della posta indesiderata (spam).</p>`;
  return recoveryPage({
    section: PASSWORD_SECTION,
    heading: v.step === 'sms' ? 'Inserisci il codice ricevuto via SMS' : 'Inserisci il codice ricevuto via email',
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}${notice(v.info)}${intro}
${codeForm({ ...v, action: `${PASSWORD_PATH}/codice`, resend: `${PASSWORD_PATH}/invia` })}`,
  });
}

export interface NewPasswordView {
  csrf: string;
  errors: string[];
  invalid?: readonly NewPasswordField[];
  status?: number;
}

/** R-ACT-5 policy, typed twice; not one of the last five (R-ACC-2). */
export function newPasswordPage(v: NewPasswordView): Response {
  const invalid = (field: NewPasswordField) => v.invalid?.includes(field) ?? false;
  return recoveryPage({
    section: PASSWORD_SECTION,
    heading: 'Scegli la nuova password',
    status: v.status,
    body: html`${errorAlert(v.errors)}
<form method="post" action="${PASSWORD_PATH}/nuova" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'password', label: 'Nuova password', type: 'password', maxlength: NEW_PASSWORD_FIELD_MAX, autocomplete: 'new-password', hint: 'Vedi i criteri qui sotto.', invalid: invalid('password') })}
${textField({ id: 'passwordConfirm', label: 'Conferma nuova password', type: 'password', maxlength: NEW_PASSWORD_FIELD_MAX, autocomplete: 'new-password', invalid: invalid('passwordConfirm') })}
<p class="mb-1">La password scelta deve rispettare i seguenti criteri:</p>
<ul class="small">${PASSWORD_CRITERIA.map((c) => html`<li>${c}</li>`)}<li>deve essere diversa dalle ultime 5 password che hai usato</li></ul>
<button type="submit" class="btn btn-primary">Salva la nuova password</button>
</form>`,
  });
}

/** The end: the login it came from if still open ("Torna all'accesso"), else the personal area's "Accedi". */
export function passwordDonePage(back: string | null): Response {
  return recoveryPage({
    section: PASSWORD_SECTION,
    heading: 'Password aggiornata',
    body: html`<div class="alert alert-success" role="status"><p class="mb-0">La nuova password è attiva. Per sicurezza abbiamo chiuso tutte le altre sessioni aperte con le tue credenziali e ti abbiamo inviato un avviso.</p></div>
${back ? html`<p>Puoi continuare l'accesso al servizio che stavi usando con la nuova password.</p><a class="btn btn-primary" href="${back}">Torna all'accesso</a>` : html`<a class="btn btn-primary" href="/area-personale">Accedi</a>`}`,
  });
}

export function passwordGonePage(message: string, status = 410): Response {
  return messagePage({ section: PASSWORD_SECTION, title: 'Procedura non più valida', message, link: { href: PASSWORD_PATH, text: 'Ricomincia' }, status });
}

/** Credentials gone or card out of service between the codes and the new password. */
export function passwordRefusedPage(): Response {
  return messagePage({
    section: PASSWORD_SECTION,
    title: 'Password non aggiornata',
    message:
      'Le credenziali di questa Carta non sono più attive: non è stato possibile impostare una nuova password. Per usarle di nuovo attivale con la Carta e il PUK.',
    link: { href: '/attivazione', text: 'Attiva le credenziali' },
    status: 409,
  });
}

import { html } from '../../platform/html';
import { captchaHeaders, captchaWidget } from '../../platform/captcha';
import { maskPhone } from '../../core/contacts';
import { releaseSentence, spacedPuk } from '../../core/puk-recovery';
import type { IdentityField } from '../../core/activation-input';
import { type CodeFormView, codeForm, csrfField, errorAlert, messagePage, notice, recoveryPage, textField } from './common';

/** R-PUK-2 on the web: "Recupera PUK", in the guides' words (seed 000, "Ho dimenticato i codici PIN e PUK"). */
export const PUK_SECTION = 'Recupera PUK';
export const PUK_PATH = '/recupero-puk';

export interface PukFormView {
  csrf: string;
  fiscalCode: string;
  serial: string;
  errors: string[];
  invalid?: readonly IdentityField[];
  /** Turnstile's site key when the captcha is on (platform/captcha). */
  captchaSiteKey: string | null;
  status?: number;
}

export function pukFormPage(v: PukFormView): Response {
  const invalid = (f: IdentityField) => v.invalid?.includes(f) ?? false;
  return recoveryPage({
    section: PUK_SECTION,
    heading: 'Recupera PUK',
    status: v.status,
    headers: captchaHeaders(v.captchaSiteKey),
    body: html`${errorAlert(v.errors)}
<p class="lead">Per recuperare il PUK servono la Carta d'Identità Elettronica e il numero di cellulare comunicato al Comune quando l'hai richiesta.</p>
<p>Per ragioni di sicurezza potrai vedere il PUK solo <strong>48 ore dopo la richiesta</strong>: ti avviseremo con un SMS o un'email con il link per visualizzarlo.</p>
<form method="post" action="${PUK_PATH}" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'fiscalCode', label: 'Codice Fiscale', value: v.fiscalCode, maxlength: 16, invalid: invalid('fiscalCode') })}
${textField({ id: 'serial', label: 'Numero di serie', value: v.serial, maxlength: 9, hint: 'Si trova sul fronte della carta, in alto a destra (es. CA00000AA).', invalid: invalid('serial') })}
${captchaWidget(v.captchaSiteKey)}
<button type="submit" class="btn btn-primary">Continua</button>
</form>
<p class="mt-4">In alternativa puoi rivolgerti all'ufficio anagrafe di qualsiasi Comune con un documento d'identità valido: riceverai nuovi codici PIN e PUK.</p>`,
  });
}

export interface PukCodeView extends Omit<CodeFormView, 'action' | 'resend'> {
  info?: string;
  status?: number;
  headers?: Record<string, string>;
}

/** The request's code: "if the data are right" — an unknown pair and a blocked card get this very page. */
export function pukCodePage(v: PukCodeView): Response {
  return recoveryPage({
    section: PUK_SECTION,
    heading: 'Inserisci il codice ricevuto via SMS',
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}${notice(v.info)}
<p>Se i dati sono corretti, ti abbiamo inviato un codice via SMS al numero di cellulare associato alla Carta. Inseriscilo qui sotto per confermare la richiesta del PUK.</p>
${codeForm({ ...v, action: `${PUK_PATH}/codice`, resend: `${PUK_PATH}/invia` })}`,
  });
}

/**
 * After the code: the request as it stands — new, already waiting (restarts nothing), already released.
 * A waiting request past its release time is one whose notice has not gone out yet (it is tried again):
 * a date in the past would read as a mistake, so it is told the link comes soon.
 */
export function pukRequestedPage(answer: { outcome: 'requested' | 'waiting'; releaseAt: number } | { outcome: 'released' }, now = Date.now()): Response {
  if (answer.outcome === 'released') {
    return messagePage({
      section: PUK_SECTION,
      title: 'Il PUK è già disponibile',
      message: "Ti abbiamo inviato un SMS o un'email con il link per visualizzarlo: aprilo entro 7 giorni. Il link si può usare una sola volta.",
      link: { href: '/', text: 'Torna alla home' },
      kind: 'info',
    });
  }
  const again = answer.outcome === 'waiting';
  return messagePage({
    section: PUK_SECTION,
    title: again ? 'Hai già richiesto il PUK' : 'Richiesta registrata',
    message: again
      ? `La tua richiesta è già in corso e non ricomincia: ${waitingSentence(answer.releaseAt, now)}`
      : `Per ragioni di sicurezza ${releaseSentence(answer.releaseAt)}: ti avviseremo con un SMS o un'email con il link per visualizzarlo.`,
    link: { href: '/', text: 'Torna alla home' },
    kind: again ? 'info' : 'success',
  });
}

const waitingSentence = (releaseAt: number, now: number): string =>
  releaseAt <= now
    ? "il PUK è pronto e ti invieremo il link a breve con un SMS o un'email."
    : `${releaseSentence(releaseAt)}. Ti avviseremo con un SMS o un'email.`;

export function pukGonePage(message: string, status = 410): Response {
  return messagePage({ section: PUK_SECTION, title: 'Procedura non più valida', message, link: { href: PUK_PATH, text: 'Ricomincia' }, status });
}

/** The card left service between the request and its code, or before its link was opened. */
export function pukRefusedPage(): Response {
  return messagePage({
    section: PUK_SECTION,
    title: 'Recupero non possibile',
    message: "Questa Carta non può più essere usata per l'identità digitale: il PUK non può essere recuperato. Per assistenza rivolgiti al tuo Comune.",
    link: { href: '/', text: 'Torna alla home' },
    status: 403,
  });
}

// ——— The link of a released PUK: a fresh code, then the PUK once. ———

export const pukLinkPath = (token: string): string => `${PUK_PATH}/visualizza/${token}`;

export function pukLinkPage(v: { csrf: string; token: string; phone: string }): Response {
  return recoveryPage({
    section: PUK_SECTION,
    heading: 'Visualizza il PUK',
    body: html`<p>Il PUK della tua Carta è disponibile. Per vederlo ti inviamo un codice via SMS al numero <strong>${maskPhone(v.phone)}</strong>.</p>
<p>Potrai vedere il PUK una sola volta: tienilo a portata di mano per sbloccare la Carta o scegliere un nuovo PIN.</p>
<form method="post" action="${pukLinkPath(v.token)}">
${csrfField(v.csrf)}
<button type="submit" class="btn btn-primary">Invia il codice</button>
</form>`,
  });
}

export function pukViewCodePage(v: PukCodeView & { token: string }): Response {
  return recoveryPage({
    section: PUK_SECTION,
    heading: 'Inserisci il codice ricevuto via SMS',
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}${notice(v.info)}
<p>Ti abbiamo inviato un codice via SMS. Inseriscilo per vedere il PUK.</p>
${codeForm({ ...v, action: `${pukLinkPath(v.token)}/codice`, resend: `${pukLinkPath(v.token)}/invia` })}`,
  });
}

/** The PUK, once: the page is never stored (no-store, as every page) and the link is used up. */
export function pukShownPage(puk: string): Response {
  return recoveryPage({
    section: PUK_SECTION,
    heading: 'Il tuo PUK',
    body: html`<p>Questo è il PUK della tua Carta:</p>
<p class="display-6 fw-bold" aria-label="PUK ${[...puk].join(' ')}"><span aria-hidden="true">${spacedPuk(puk)}</span></p>
<div class="alert alert-warning" role="status"><p class="mb-0">Annotalo e conservalo con cura: questa pagina non potrà essere aperta di nuovo. Non comunicare il PUK a nessuno.</p></div>
<a class="btn btn-primary" href="/">Torna alla home</a>`,
  });
}

export function pukLinkGonePage(): Response {
  return messagePage({
    section: PUK_SECTION,
    title: 'Link non più valido',
    message: 'Il link non è valido, è scaduto oppure il PUK è già stato visualizzato. Se ti serve ancora, fai una nuova richiesta.',
    link: { href: PUK_PATH, text: 'Recupera PUK' },
    status: 410,
  });
}

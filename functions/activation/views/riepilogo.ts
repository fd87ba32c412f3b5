import { html, type SafeHtml } from '../../platform/html';
import { L2_MODE_LABELS } from '../../core/activation-steps';
import type { L2Mode } from '../../core/card';
import { stepPage } from './common';

export interface RiepilogoView {
  fiscalCode: string;
  serial: string;
  verifiedEmail: string | null;
  mode: L2Mode;
}

/** No store link or QR code: we cannot vouch for one, so the citizen is told what to search for. */
const FIND_THE_APP = 'cercando "CieID" nell\'App Store o in Google Play';

const item = (title: string, text: string) => html`<li class="mb-2"><strong>${title}</strong><br>${text}</li>`;

/** The guide's "Cosa ti resta da fare?": App mode needs the App on a certified phone first. */
const APP_NEXT = html`<h2 class="h5 mt-4">Cosa ti resta da fare?</h2>
<ol>
${item("Scarica l'App CieID", `Installala sul tuo smartphone ${FIND_THE_APP}.`)}
${item('Inserisci le tue credenziali', "Accedi all'App con l'username e la password appena impostata e certifica il tuo dispositivo: riceverai un codice OTP via SMS per creare il Codice App CieID e dare un nome al dispositivo.")}
${item('Attiva le notifiche', 'Ricordati di attivare le notifiche quando CieID te lo chiederà.')}
</ol>`;

/** The guide's "Cosa puoi fare adesso?": in SMS mode the credentials work at once. */
const SMS_NEXT = html`<h2 class="h5 mt-4">Cosa puoi fare adesso?</h2>
<ul>
${item("Scarica l'app CieID sul tuo dispositivo", `e usa la tua identità digitale per accedere ai servizi online in modo semplice e veloce. La trovi ${FIND_THE_APP}.`)}
${item('Utilizza subito le tue nuove credenziali', 'Accedi ai servizi online che offrono "Entra con CIE": l\'accesso parte sempre dal sito del servizio che vuoi usare.')}
</ul>`;

const NEXT: Record<L2Mode, SafeHtml> = { app: APP_NEXT, sms: SMS_NEXT };

/** Step 4 (R-ACT-7): the usernames usable from now on, what is left to do, and the chosen mode. */
export function riepilogoPage(v: RiepilogoView): Response {
  return stepPage({
    step: 'riepilogo',
    heading: 'Credenziali attivate',
    body: html`<div class="alert alert-success" role="status"><p class="mb-0"><strong>ATTIVAZIONE COMPLETATA</strong></p>${
      v.mode === 'sms' ? html`<p class="mb-0">Non sono necessari altri passaggi, gli OTP di verifica arriveranno direttamente via SMS.</p>` : ''
    }</div>
<p>Ricorda che puoi usare come username:</p>
<ul>
<li>Il tuo codice fiscale: <strong>${v.fiscalCode}</strong></li>
<li>Il numero di serie della CIE: <strong>${v.serial}</strong></li>
${v.verifiedEmail ? html`<li>L'indirizzo e-mail che hai verificato: <strong>${v.verifiedEmail}</strong></li>` : ''}
</ul>
${NEXT[v.mode]}
<h2 class="h5 mt-4">RIEPILOGO DELLA TUA ATTIVAZIONE</h2>
<p>Modalità di utilizzo delle tue credenziali Livello 2: <strong>${L2_MODE_LABELS[v.mode]}</strong></p>
<p class="small">Potrai sempre cambiare la tua scelta nella sezione Gestione CieID della tua Area Personale.</p>
<a class="btn btn-primary" href="/">Torna alla Home</a>`,
  });
}

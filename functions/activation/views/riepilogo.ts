import { html } from '../../platform/html';
import { L2_MODE_LABELS, type L2ModeChoice } from '../../core/activation-steps';
import { stepPage } from './common';

export interface RiepilogoView {
  fiscalCode: string;
  serial: string;
  verifiedEmail: string | null;
  mode: L2ModeChoice;
}

/** Step 4 (R-ACT-7): the usernames usable from now on and the chosen mode. */
export function riepilogoPage(v: RiepilogoView): Response {
  return stepPage({
    step: 'riepilogo',
    heading: 'Credenziali attivate',
    body: html`<div class="alert alert-success" role="status"><p class="mb-0"><strong>ATTIVAZIONE COMPLETATA</strong></p></div>
<p>Ricorda che puoi usare come username:</p>
<ul>
<li>Il tuo codice fiscale: <strong>${v.fiscalCode}</strong></li>
<li>Il numero di serie della CIE: <strong>${v.serial}</strong></li>
${v.verifiedEmail ? html`<li>L'indirizzo e-mail che hai verificato: <strong>${v.verifiedEmail}</strong></li>` : ''}
</ul>
<h2 class="h5 mt-4">RIEPILOGO DELLA TUA ATTIVAZIONE</h2>
<p>Modalità di utilizzo delle tue credenziali Livello 2: <strong>${L2_MODE_LABELS[v.mode]}</strong></p>
<p class="small">Potrai sempre cambiare la tua scelta nella sezione Gestione CieID della tua Area Personale.</p>
${
  v.mode === 'app'
    ? html`<p>Cosa ti resta da fare: scarica la App CieID, accedi con l'username e la password appena impostata e certifica il tuo dispositivo.</p>`
    : html`<p>Non sono necessari altri passaggi: gli OTP di verifica arriveranno direttamente via SMS.</p>`
}
<a class="btn btn-primary" href="/">Torna alla Home</a>`,
  });
}

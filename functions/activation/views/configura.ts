import { html, type SafeHtml } from '../../platform/html';
import type { L2Mode } from '../../core/card';
import { cancelForm, csrfField, errorAlert, stepPage } from './common';

export interface ConfiguraView {
  csrf: string;
  errors: string[];
}

interface ModeCard {
  value: L2Mode;
  title: string;
  description: SafeHtml;
  button: string;
  badge?: string;
}

/** The guide's two cards, App CieID first as the recommended one. */
const CARDS: readonly ModeCard[] = [
  {
    value: 'app',
    title: 'App CieID',
    badge: 'MODALITÀ CONSIGLIATA',
    description: html`Scegli questa modalità se vuoi ricevere una <strong>notifica push</strong> o vuoi accedere inquadrando il QR code.`,
    button: 'Scegli App CieID',
  },
  {
    value: 'sms',
    title: 'SMS',
    description: html`Scegli questa modalità se vuoi ricevere un codice temporaneo (OTP) via SMS ad ogni accesso.`,
    button: 'Scegli SMS',
  },
];

/**
 * Step 3 (R-ACT-6): each card is its own form whose button sends `mode`, so one press chooses and
 * confirms; the choice is committed together with everything else when it is sent.
 */
export function configuraPage(v: ConfiguraView, status = 200): Response {
  const card = (c: ModeCard) => html`<div class="col-12 col-md-6">
<div class="card card-bg border h-100"><div class="card-body d-flex flex-column">
${c.badge ? html`<p class="mb-2"><span class="badge bg-primary">${c.badge}</span></p>` : ''}
<h2 class="h4 card-title">${c.title}</h2>
<p id="mode-${c.value}-desc">${c.description}</p>
<form method="post" action="/attivazione/configura" class="mt-auto">
${csrfField(v.csrf)}
<input type="hidden" name="mode" value="${c.value}">
<button type="submit" class="btn ${c.value === 'app' ? 'btn-primary' : 'btn-outline-primary'}" aria-describedby="mode-${c.value}-desc">${c.button}</button>
</form>
</div></div>
</div>`;
  return stepPage({
    step: 'configura',
    heading: 'Scegli come autorizzare i tuoi accessi online',
    status,
    body: html`${errorAlert(v.errors)}
<p><strong>Ci sei quasi...</strong> Scegli come autorizzare gli accessi ai servizi online per completare l'attivazione delle Credenziali CIE.</p>
<div class="row g-3">
${CARDS.map(card)}
</div>
${cancelForm(v.csrf)}`,
  });
}

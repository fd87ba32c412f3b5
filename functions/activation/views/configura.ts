import { html } from '../../platform/html';
import type { L2ModeChoice } from '../../core/activation-steps';
import { cancelForm, csrfField, errorAlert, stepPage } from './common';

export interface ConfiguraView {
  csrf: string;
  mode: L2ModeChoice | null;
  errors: string[];
}

/** Step 3 (R-ACT-6): the choice is committed together with everything else when it is sent. */
export function configuraPage(v: ConfiguraView, status = 200): Response {
  const radio = (value: L2ModeChoice, label: string, description: string, badge?: string) => html`<div class="form-check mb-3">
<input class="form-check-input" type="radio" name="mode" id="mode-${value}" value="${value}"${v.mode === value ? html` checked` : ''} aria-describedby="mode-${value}-desc">
<label class="form-check-label" for="mode-${value}">${label}</label>
<p id="mode-${value}-desc" class="small mb-0">${badge ? html`<span class="badge bg-primary me-1">${badge}</span>` : ''}${description}</p>
</div>`;
  return stepPage({
    step: 'configura',
    heading: 'Scegli come autorizzare i tuoi accessi online',
    status,
    body: html`${errorAlert(v.errors)}
<p><strong>Ci sei quasi...</strong> Scegli come autorizzare gli accessi ai servizi online per completare l'attivazione delle Credenziali CIE.</p>
<form method="post" action="/attivazione/configura" novalidate>
${csrfField(v.csrf)}
<fieldset>
<legend class="h5">Modalità di autorizzazione</legend>
${radio('app', 'App CieID', 'Ricevi una notifica push o accedi inquadrando il QR code con la App CieID.', 'MODALITÀ CONSIGLIATA')}
${radio('sms', 'SMS', 'Ricevi un codice temporaneo (OTP) via SMS ad ogni accesso.')}
</fieldset>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}

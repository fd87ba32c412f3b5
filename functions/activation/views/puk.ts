import { html } from '../../platform/html';
import { describePositions } from '../../core/puk-challenge';
import { cancelForm, csrfField, errorAlert, stepPage, textField } from './common';

export interface PukView {
  csrf: string;
  positions: [number, number];
  errors: string[];
}

/** Step 1.2 (R-ACT-2): the digits asked change at every attempt, and what was typed is never shown back. */
export function pukPage(v: PukView, status = 200): Response {
  const [a, b] = v.positions;
  return stepPage({
    step: 'puk',
    heading: '1.2 Inserisci codice PUK',
    status,
    body: html`${errorAlert(v.errors)}
<p>Inserisci ${describePositions(v.positions)} della prima parte del codice PUK</p>
<p class="small">La prima parte del codice PUK è sulla ricevuta rilasciata dal Comune. Le cifre richieste possono variare di volta in volta.</p>
<form method="post" action="/attivazione/puk" novalidate>
${csrfField(v.csrf)}
<div class="d-flex gap-3">
${textField({ id: 'pukDigitA', label: `${a}° cifra del PUK`, type: 'password', maxlength: 1, inputmode: 'numeric' })}
${textField({ id: 'pukDigitB', label: `${b}° cifra del PUK`, type: 'password', maxlength: 1, inputmode: 'numeric' })}
</div>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}

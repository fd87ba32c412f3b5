import { html } from '../../platform/html';
import { describePositions } from '../../core/puk-challenge';
import { cancelForm, csrfField, errorAlert, stepPage, textField } from './common';

export interface PukView {
  csrf: string;
  positions: [number, number];
  errors: string[];
}

/** The guide's "Come ottenere questi dati?", open on demand: where the two halves of the PUK are. */
const WHERE_IS_THE_PUK = html`<details class="mt-4">
<summary class="text-primary fw-semibold">Come ottenere questi dati?</summary>
<p class="mt-2">Per verificare i dati inseriti viene richiesto di inserire alcune cifre della <strong>prima metà del codice PUK</strong>.</p>
<p>La prima metà del codice PUK è sulla ricevuta cartacea che il Comune ti ha consegnato al momento della richiesta della carta; la seconda metà è nella lettera allegata alla busta con cui ti è stata consegnata la CIE. Per questo puoi attivare le credenziali anche prima di ricevere la carta.</p>
<p><strong>Nota bene</strong>: le cifre richieste possono variare di volta in volta. Per esempio: la 1° e 2° cifra; la 2° e 4° cifra, e così via.</p>
<p class="mb-0">Non trovi più la ricevuta? Puoi richiedere di nuovo i codici PIN e PUK all'ufficio anagrafe di qualsiasi Comune, con un documento d'identità valido.</p>
</details>`;

/**
 * Step 1.2 (R-ACT-2): the digits asked change at every attempt, and what was typed is never shown back.
 * Every message here is about the two digits together, and both boxes come back empty: both are marked.
 */
export function pukPage(v: PukView, status = 200): Response {
  const [a, b] = v.positions;
  const invalid = v.errors.length > 0;
  return stepPage({
    step: 'puk',
    heading: '1.2 Inserisci codice PUK',
    status,
    body: html`${errorAlert(v.errors)}
<p>Inserisci ${describePositions(v.positions)} della prima parte del codice PUK</p>
<form method="post" action="/attivazione/puk" novalidate>
${csrfField(v.csrf)}
<div class="d-flex gap-3">
${textField({ id: 'pukDigitA', label: `${a}° cifra del PUK`, type: 'password', maxlength: 1, inputmode: 'numeric', invalid })}
${textField({ id: 'pukDigitB', label: `${b}° cifra del PUK`, type: 'password', maxlength: 1, inputmode: 'numeric', invalid })}
</div>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${WHERE_IS_THE_PUK}
${cancelForm(v.csrf)}`,
  });
}

import { ACTIVATION_STAGES, stageOf, type ActivationStep } from '../core/activation-steps';
import { html, type SafeHtml } from '../platform/html';

/** 1 I TUOI DATI · 2 CONTATTI E PASSWORD · 3 CONFIGURA · 4 RIEPILOGO, the current one announced to screen readers. */
export function stepper(step: ActivationStep): SafeHtml {
  const current = stageOf(step);
  const items = ACTIVATION_STAGES.map((label, i) => {
    const n = i + 1;
    const state = n < current ? 'confirmed' : n === current ? 'active' : '';
    return html`<li class="${state}"${n === current ? html` aria-current="step"` : ''}><span class="steppers-number">${n}</span> ${label}</li>`;
  });
  return html`<nav class="steppers mb-4" aria-label="Passaggi dell'attivazione">
<ol class="steppers-header list-unstyled d-flex flex-wrap gap-4 mb-0">${items}</ol>
</nav>`;
}

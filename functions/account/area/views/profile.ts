import {
  type CredentialStanding,
  MODE_LABEL,
  MODE_SWITCH_LABEL,
  PROFILE_OUTCOMES,
  type ProfileOutcome,
  STANDING_LABEL,
  level12Standing,
  level3Standing,
  otherMode,
} from '../../../core/area-profile';
import { maskPhone } from '../../../core/contacts';
import { type SafeHtml, html } from '../../../platform/html';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaCard, AreaSession } from '../session';

const DOT_CLASS: Record<CredentialStanding, string> = { attive: 'text-success', sospese: 'text-warning', revocate: 'text-danger' };

/** The guide's status line: a coloured dot (decoration only) and the word, which is what is read. */
function standing(value: CredentialStanding): SafeHtml {
  return html`<p class="mb-2"><span class="${DOT_CLASS[value]}" aria-hidden="true">●</span> <strong>${STANDING_LABEL[value]}</strong></p>`;
}

function section(title: string, id: string, content: SafeHtml): SafeHtml {
  return html`<section class="border-top pt-3 mt-3" aria-labelledby="${id}">
<h3 class="h5" id="${id}">${title}</h3>
${content}
</section>`;
}

/** GET /area-personale/gestione — "Gestione CieID" as the guide shows it (R-ACC-1). */
export function profilePage(session: AreaSession, card: AreaCard, outcome: ProfileOutcome | null): Response {
  const l12 = level12Standing(card);
  const l3 = level3Standing(card);
  const mode = card.credentials?.mode ?? null;
  const email = card.credentials?.verifiedEmail ?? null;
  const l12Active = l12 === 'attive';
  return areaPage({
    title: 'Gestione CieID',
    current: 'gestione',
    session,
    body: html`${outcome ? html`<div class="alert alert-success" role="status">${PROFILE_OUTCOMES[outcome]}</div>` : ''}
<div class="card-wrapper pb-0"><div class="card card-bg"><div class="card-body">
<h2 class="h4 card-title">Profilo CieID</h2>
${section(
  'Credenziali livello 1 e 2',
  'livello12',
  html`${standing(l12)}
${
  l12Active
    ? html`<div class="d-flex flex-wrap gap-2">
<a class="btn btn-primary" href="${AREA_PATHS.password}">Modifica Password</a>
<a class="btn btn-outline-danger" href="${AREA_PATHS.revocation}">Revoca livello 1 e livello 2</a>
</div>`
    : html`<p>Per usare di nuovo le credenziali di livello 1 e 2 attivale su <a href="/attivazione">Attivazione credenziali</a>.</p>`
}`,
)}
${
  mode && l12Active
    ? section(
        'Scegli la modalità di utilizzo delle credenziali',
        'modalita',
        html`<p class="small text-secondary">Come autorizzi gli accessi di livello 2: con l’App CieID sul tuo smartphone oppure con un codice ricevuto via SMS.</p>
<p class="d-flex align-items-center gap-2"><svg class="icon icon-success" aria-hidden="true" focusable="false"><use href="/static/bootstrap-italia/svg/sprites.svg#it-check-circle"></use></svg><strong>${MODE_LABEL[mode]}</strong><span class="visually-hidden">(modalità in uso)</span></p>
<a class="btn btn-outline-primary" href="${AREA_PATHS.mode}">${MODE_SWITCH_LABEL[otherMode(mode)]}</a>`,
      )
    : ''
}
${section(
  'Credenziali livello 3',
  'livello3',
  html`${standing(l3)}
${
  l3 === 'revocate' || card.status === 'blocked'
    ? ''
    : html`<a class="btn btn-outline-primary" href="${AREA_PATHS.level3}">${l3 === 'sospese' ? 'Riattiva livello 3' : 'Sospendi livello 3'}</a>`
}`,
)}
${section(
  'Contatti',
  'contatti',
  html`<dl class="row mb-2">
<dt class="col-sm-3">Cellulare</dt><dd class="col-sm-9">${maskPhone(card.phone)}</dd>
<dt class="col-sm-3">Email</dt><dd class="col-sm-9">${email ?? 'non indicata'}</dd>
</dl>
${l12Active ? html`<a class="btn btn-outline-primary" href="${AREA_PATHS.email}">${email ? 'Modifica email' : 'Aggiungi email'}</a>` : ''}`,
)}
</div></div></div>`,
  });
}

import { STANDING_LABEL, level3Standing } from '../../../core/area-profile';
import { csrfField, html } from '../../../platform/html';
import { errorBox } from '../../../platform/form-error';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaCard, AreaSession } from '../session';
import { ACTIVATION_PATH, currentPasswordField } from './revoke';

export const LEVEL3_TITLE = 'Credenziali livello 3';

/** What the last post changed, said on the page it lands on. */
export type Level3Outcome = 'sospeso' | 'riattivato';

const OUTCOME_TEXT: Record<Level3Outcome, string> = {
  sospeso: 'Il livello 3 è sospeso: da adesso la tua carta non può essere usata per accedere ai servizi. Ti abbiamo inviato una notifica.',
  riattivato: 'Il livello 3 è di nuovo attivo: puoi accedere ai servizi con la lettura della carta. Ti abbiamo inviato una notifica.',
};

export interface Level3View {
  session: AreaSession;
  card: AreaCard;
  outcome?: Level3Outcome;
  error?: string;
  status?: number;
}

/**
 * GET /area-personale/livello3 — R-ACC-4 "Sospendi livello 3" / "Riattiva livello 3": the card's level 3
 * standing and the one action that fits it. Suspending asks nothing more; resuming asks the current
 * password (see level3.ts for why).
 */
export function level3Page({ session, card, outcome, error, status }: Level3View): Response {
  const suspended = card.level3Suspended;
  const canResume = card.credentials !== null;
  return areaPage({
    title: LEVEL3_TITLE,
    current: null,
    parent: 'gestione',
    session,
    status,
    body: html`${outcome ? html`<div class="alert alert-success" role="status">${OUTCOME_TEXT[outcome]}</div>` : ''}${error ? errorBox(error) : ''}
<p class="mb-2">Stato: <strong>${STANDING_LABEL[level3Standing(card)]}</strong></p>
${
  suspended
    ? html`<p>Mentre il livello 3 è sospeso la tua carta non può essere usata per accedere ai servizi: né con l’App CieID sullo smartphone, né dal computer con lo smartphone, né con il lettore di smart card; e non può essere registrata nell’App CieID.</p>
${
  canResume
    ? html`<form method="post" action="${AREA_PATHS.level3}" novalidate>
${csrfField(session.csrf)}
<input type="hidden" name="azione" value="riattiva">
<p>Per riattivarlo inserisci la password attuale.</p>
${currentPasswordField(Boolean(error))}
<div class="d-flex flex-wrap gap-2">
  <button type="submit" class="btn btn-primary">Riattiva livello 3</button>
  <a class="btn btn-outline-primary" href="${AREA_PATHS.profile}">Torna a Gestione CieID</a>
</div>
</form>`
    : html`<p>Per riattivarlo serve la password delle credenziali di livello 1 e 2, che non sono attive: <a href="${ACTIVATION_PATH}">attivale</a> e torna qui.</p>`
}`
    : html`<p>Se sospendi il livello 3, la tua carta non potrà più essere usata per accedere ai servizi — né con l’App CieID sullo smartphone, né dal computer con lo smartphone, né con il lettore di smart card — finché non lo riattivi da qui con la tua password. Sospendilo se non hai più la carta con te o se pensi che qualcuno la stia usando.</p>
<form method="post" action="${AREA_PATHS.level3}">
${csrfField(session.csrf)}
<input type="hidden" name="azione" value="sospendi">
<div class="d-flex flex-wrap gap-2">
  <button type="submit" class="btn btn-danger">Sospendi livello 3</button>
  <a class="btn btn-outline-primary" href="${AREA_PATHS.profile}">Torna a Gestione CieID</a>
</div>
</form>`
}`,
  });
}

import type { L2Mode } from '../../../core/card';
import { MODE_LABEL, MODE_SWITCH_LABEL } from '../../../core/area-profile';
import { csrfField, html } from '../../../platform/html';
import { errorAlert } from '../../../activation/views/common';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';
import { codeForm } from './code';

const TITLE = 'Modalità di utilizzo delle credenziali';

/** Both steps of the switch are one page of Gestione CieID under the same title. */
const modeStep = (session: AreaSession, status: number, body: ReturnType<typeof html>): Response =>
  areaPage({ title: TITLE, current: null, parent: 'gestione', session, status, body });

/** GET /area-personale/modalita — the switch asked for, confirmed with an SMS code (R-ACC-3). */
export function modePage(
  session: AreaSession,
  v: { current: L2Mode; target: L2Mode; maskedPhone: string; errors?: readonly string[] },
  status = 200,
): Response {
  return modeStep(
    session,
    status,
    html`${errorAlert(v.errors ?? [])}
<p>Modalità attuale: <strong>${MODE_LABEL[v.current]}</strong>.</p>
<p>Per scegliere <strong>${MODE_LABEL[v.target]}</strong> conferma con il codice che invieremo via SMS al numero <strong>${v.maskedPhone}</strong>.</p>
${
  v.target === 'app'
    ? html`<p class="small text-secondary">Con l’App CieID autorizzi gli accessi di livello 2 dal dispositivo che hai certificato: se non ne hai ancora uno, certificalo prima nell’App.</p>`
    : ''
}
<form method="post" action="${AREA_PATHS.mode}">
${csrfField(session.csrf)}
<input type="hidden" name="mode" value="${v.target}">
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">${MODE_SWITCH_LABEL[v.target]}</button>
<a class="btn btn-outline-secondary" href="${AREA_PATHS.profile}">Annulla</a>
</div>
</form>`,
  );
}

/** The code page of a switch under way. */
export function modeCodePage(
  session: AreaSession,
  v: { flowId: string; target: L2Mode; maskedPhone: string; errors?: readonly string[] },
  status = 200,
): Response {
  return modeStep(
    session,
    status,
    html`<p>Stai scegliendo: <strong>${MODE_LABEL[v.target]}</strong>.</p>
${codeForm({ action: `${AREA_PATHS.mode}/${v.flowId}`, csrf: session.csrf, sentTo: v.maskedPhone, errors: v.errors ?? [], back: AREA_PATHS.profile })}`,
  );
}

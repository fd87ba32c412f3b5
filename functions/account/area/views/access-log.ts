import {
  type AccessLogFilter,
  type EventLine,
  NOT_APPLICABLE,
  OUTCOME_FILTER_LABELS,
  type OutcomeFilter,
  accessLogSearch,
} from '../../../core/access-log-view';
import { type SafeHtml, html } from '../../../platform/html';
import type { LoggedService } from '../../../../durable-objects/card-log-table';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';

export const CSV_PATH = `${AREA_PATHS.accessLog}/csv`;

export interface AccessLogPageModel {
  filter: AccessLogFilter;
  /** Whether this is an older page (reached by the cursor), not the newest. */
  older: boolean;
  lines: readonly EventLine[];
  /** The cursor of the next, older page; null on the last one. */
  next: number | null;
  services: readonly LoggedService[];
}

function badge(line: EventLine): SafeHtml {
  const tone = line.granted === null ? 'bg-secondary' : line.granted ? 'bg-success' : 'bg-danger';
  return html`<span class="badge ${tone} text-wrap text-start">${line.outcome}</span>`;
}

function entry(line: EventLine): SafeHtml {
  return html`<li class="list-group-item px-0">
  <div class="d-flex flex-wrap justify-content-between align-items-start gap-2">
    <span class="fw-semibold">${line.service}</span>
    ${badge(line)}
  </div>
  <div class="small mt-1"><time>${line.when}</time>${[line.level, line.method].filter((part) => part !== NOT_APPLICABLE).map((part) => ` · ${part}`)}</div>
</li>`;
}

function option(value: string, label: string, selected: boolean): SafeHtml {
  return html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`;
}

function filterForm({ filter, services }: AccessLogPageModel): SafeHtml {
  // A service no longer in the log (filtered by a bookmarked link) stays selectable, so the form says what is shown.
  const choices = filter.service && !services.some((s) => s.rp === filter.service) ? [...services, { rp: filter.service, name: filter.service }] : services;
  return html`<form method="get" action="${AREA_PATHS.accessLog}" class="row g-3 align-items-end mb-4">
  <div class="col-12 col-md-5">
    <label for="servizio" class="form-label fw-semibold">Servizio</label>
    <select id="servizio" name="servizio" class="form-select">
      ${option('', 'Tutti i servizi', !filter.service)}
      ${choices.map((s) => option(s.rp, s.name, s.rp === filter.service))}
    </select>
  </div>
  <div class="col-12 col-md-4">
    <label for="esito" class="form-label fw-semibold">Esito</label>
    <select id="esito" name="esito" class="form-select">
      ${option('', 'Tutti gli esiti', !filter.outcome)}
      ${(Object.entries(OUTCOME_FILTER_LABELS) as [OutcomeFilter, string][]).map(([value, label]) => option(value, label, value === filter.outcome))}
    </select>
  </div>
  <div class="col-12 col-md-3 d-flex gap-2">
    <button type="submit" class="btn btn-primary">Filtra</button>
    ${filter.service || filter.outcome ? html`<a class="btn btn-outline-primary" href="${AREA_PATHS.accessLog}">Azzera filtri</a>` : ''}
  </div>
</form>`;
}

/** "Elenco accessi" (R-ACC-5, R-LOG-9): the filter, one page of lines newest first, the way to older ones, "Scarica CSV". */
export function accessLogPage(session: AreaSession, model: AccessLogPageModel): Response {
  const filtered = Boolean(model.filter.service || model.filter.outcome);
  const empty = filtered ? 'Nessun accesso corrisponde ai filtri scelti.' : 'Non ci sono ancora accessi con le tue credenziali.';
  return areaPage({
    title: 'Elenco accessi',
    current: 'accessi',
    session,
    body: html`<p class="lead">Gli accessi ai servizi online fatti con le tue credenziali CieID, riusciti e non, e le operazioni sulle credenziali, dal più recente. Gli orari sono quelli italiani.</p>
${filterForm(model)}
<div class="d-flex flex-wrap justify-content-between align-items-center gap-2 mb-2">
  <h2 class="h5 mb-0">${model.older ? 'Accessi meno recenti' : 'Accessi più recenti'}</h2>
  <a class="btn btn-outline-primary btn-sm" href="${CSV_PATH}${accessLogSearch(model.filter)}" download>Scarica CSV</a>
</div>
${
  model.lines.length
    ? html`<ul class="list-group list-group-flush border-top border-bottom">${model.lines.map(entry)}</ul>`
    : html`<div class="alert alert-info" role="status">${empty}</div>`
}
<nav class="d-flex flex-wrap gap-2 mt-3" aria-label="Pagine dell’elenco accessi">
  ${model.older ? html`<a class="btn btn-outline-primary" href="${AREA_PATHS.accessLog}${accessLogSearch(model.filter)}">Torna ai più recenti</a>` : ''}
  ${model.next === null ? '' : html`<a class="btn btn-primary" href="${AREA_PATHS.accessLog}${accessLogSearch(model.filter, model.next)}">Accessi meno recenti</a>`}
</nav>
<p class="mt-4 small">Se non riconosci un accesso, cambia subito la password da <a href="${AREA_PATHS.profile}">Gestione CieID</a> e contatta l’assistenza.</p>`,
  });
}

import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import {
  ACCESS_LOG_PAGE_SIZE,
  type AccessLogQuery,
  accessLogCsv,
  accessLogFileName,
  eventLine,
  logSelection,
  parseAccessLogQuery,
} from '../../core/access-log-view';
import { badRequest } from '../../core/errors';
import { withSecurityHeaders } from '../../platform/http';
import { cardObject } from '../../platform/objects';
import type { LoggedEvent, LoggedService } from '../../../durable-objects/card-log-table';
import { requireAreaSession } from './session';
import { accessLogPage } from './views/access-log';

/** The filters and cursor of the URL, or a 400 page: a hand-made link gets a clear answer, not a guess. */
function queryOf(request: IRequest): AccessLogQuery {
  const parsed = parseAccessLogQuery(new URL(request.url).searchParams);
  if (!parsed.ok) throw badRequest('I filtri o la pagina indicati non sono validi: torna all’elenco degli accessi.', parsed.problems);
  return parsed.query;
}

/**
 * GET /area-personale/accessi — R-ACC-5, R-LOG-9: one page of the holder's log, newest first, filtered by
 * service and outcome; the page, its cursor and the services to choose from in one Card call. The
 * cursor is a `seq` of the session's own Card: it can show nothing of anyone else's.
 */
export async function showAccessLog(request: IRequest, env: Env): Promise<Response> {
  const session = await requireAreaSession(request, env);
  const query = queryOf(request);
  const page = (await cardObject(env, session.serial).accessLogPage(logSelection(query), ACCESS_LOG_PAGE_SIZE)) as {
    events: LoggedEvent[];
    more: boolean;
    services: LoggedService[];
  };
  return accessLogPage(session, {
    filter: query,
    older: query.before !== null,
    lines: page.events.map(eventLine),
    next: page.more ? page.events.at(-1)!.seq : null,
    services: page.services,
  });
}

/**
 * GET /area-personale/accessi/csv — R-LOG-9: "Scarica CSV", the same filters, every line they keep (the
 * log holds at most 1,000), RFC 4180 with formula characters escaped (core/access-log-view).
 */
export async function downloadAccessLog(request: IRequest, env: Env): Promise<Response> {
  const session = await requireAreaSession(request, env);
  const query = queryOf(request);
  const events = (await cardObject(env, session.serial).accessLogExport(logSelection(query))) as LoggedEvent[];
  return new Response(accessLogCsv(events), {
    headers: withSecurityHeaders({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${accessLogFileName(Date.now())}"`,
    }),
  });
}

import { forbidden } from '../../core/errors';
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { CSRF_FIELD, csrfTokenMatches } from '../../platform/csrf';
import { readForm } from '../../platform/http';
import { BAD_CSRF, clearFlowCookie, existingFlowId, loadFlow, refuseForeignOrigin, withCookies } from '../flow';
import { cancelledPage } from '../views/pages';
import { endFlow } from '../../platform/flows';

/**
 * POST /attivazione/annulla — R-ACT-8: the flow and everything in it are deleted; the card was never
 * written to before step 3, so it is exactly as it was. With no live flow there is nothing to undo.
 */
export async function postAnnulla(request: IRequest, env: Env): Promise<Response> {
  refuseForeignOrigin(request);
  const form = await readForm(request);
  const id = existingFlowId(request);
  const flow = id ? await loadFlow(env, id) : null;
  if (flow) {
    if (!(await csrfTokenMatches(flow.csrf, form.get(CSRF_FIELD)))) throw forbidden(BAD_CSRF);
    await endFlow(flow);
  }
  return withCookies(cancelledPage(), clearFlowCookie(request));
}

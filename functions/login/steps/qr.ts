import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError, badRequest } from '../../core/errors';
import { acceptsJson, json, redirect } from '../../platform/http';
import { loginPath, loginPost } from '../flow';
import { issueLoginQr } from '../qr';

const flowMoved = () => new HttpError(410, 'flow_moved', 'La richiesta di accesso è andata avanti: ricarica la pagina.');

/**
 * POST /login/:flowId/qr/nuovo — "Genera un nuovo codice" (R-LOG-3; WCAG 2.2.1, the time limit can be
 * extended). Without a script the form's 303 leads to the page, whose rendering issues the new code;
 * public/login-wait.js asks for JSON instead and swaps the image in place, without a reload. Either
 * way the code before stops working. The same checks as every post of the pages (loginPost).
 */
export async function postNewQr(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['credentials']);
  const script = acceptsJson(request);
  if (posted instanceof Response) {
    if (script) throw flowMoved();
    return posted;
  }
  const { flow } = posted;
  if (flow.request.acr !== 2) {
    if (!script) return redirect(`${loginPath(flow.id)}#app-title`);
    throw badRequest('Questa richiesta di accesso non ha un QR code.');
  }
  // False only when the flow left `credentials` between the read and the issue.
  const qr = await issueLoginQr(env, flow, { renewal: true });
  // Without a script the page the redirect shows draws its own code: the renewal's is already retired
  // by it; what mattered here is what a renewal retires and extends.
  if (!script) return redirect(`${loginPath(flow.id)}#app-title`);
  if (!qr) throw flowMoved();
  return json({ content: qr.content, svg: qr.svg, seconds: qr.seconds });
}

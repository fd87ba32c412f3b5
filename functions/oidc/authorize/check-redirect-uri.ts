import { InvalidRequest } from '../errors';
import type { AuthorizeContext } from './context';

const RESPONSE_MODES = new Set(['query', 'form_post']);

/**
 * C-13: the redirect_uri must be one the client registered, exactly; otherwise the 400 page and never
 * a redirect (an open redirector would send citizens anywhere). Once it is known good, every later
 * error goes back to it with the state the RP sent.
 */
export function checkRedirectUri(ctx: AuthorizeContext): void {
  const client = ctx.client!;
  const inObject = ctx.unverified?.redirect_uri;
  const inQuery = ctx.params.get('redirect_uri');
  if (inObject !== undefined && inQuery !== undefined && inObject !== inQuery) {
    throw new InvalidRequest('redirect_uri differs between the query and the request object');
  }
  const redirectUri = inObject ?? inQuery;
  if (typeof redirectUri !== 'string' || !redirectUri) throw new InvalidRequest('redirect_uri is missing');
  if (!client.redirect_uris.includes(redirectUri)) throw new InvalidRequest('redirect_uri is not registered for this client');

  const mode = ctx.unverified?.response_mode ?? ctx.params.get('response_mode');
  const state = ctx.unverified?.state ?? ctx.params.get('state');
  ctx.target = {
    redirectUri,
    responseMode: typeof mode === 'string' && RESPONSE_MODES.has(mode) ? (mode as 'query' | 'form_post') : 'query',
    ...(typeof state === 'string' && state.length <= 512 ? { state } : {}),
    issuer: ctx.issuer,
  };
}

import { decodeJwt } from 'jose';
import { oauthParameters, readOAuthForm } from '../form';

/** GET takes the query, POST the form (OpenID Connect Core 3.1.2.1); unknown parameters are never read (C-19). */
export function readParameters(request: Request): Promise<Map<string, string>> {
  if (request.method === 'POST') return readOAuthForm(request);
  return Promise.resolve(oauthParameters(new URL(request.url).searchParams));
}

/** The request object's payload without checking anything, or null when it is not a JWS at all. */
export function peekRequestObject(params: Map<string, string>) {
  const jwt = params.get('request');
  if (!jwt) return null;
  try {
    return decodeJwt(jwt);
  } catch {
    return null;
  }
}

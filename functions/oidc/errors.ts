import { HttpError } from '../core/errors';
import { unavailableFrom } from '../platform/overload';
import { json } from '../platform/http';
import { errorPage } from '../platform/html';
import { authorizationResponse, type ResponseTarget } from './authorization-response';

/**
 * One class per OAuth / OpenID Connect error, thrown anywhere in functions/oidc/ and rendered here
 * only: as JSON for the back-channel endpoints, as an error redirect to a known-good redirect_uri, or
 * as the 400 page when the redirect_uri cannot be trusted (C-7, C-13).
 *
 * error_description is English on purpose: RFC 6749 allows only printable ASCII there, so Italian
 * accented words would make it invalid. Citizens never read it; the 400 page speaks Italian.
 */
/** Accents are dropped ("è" → "e") and anything else outside the allowed set becomes "?". */
const asciiDescription = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?');

export class OAuthError extends Error {
  constructor(
    readonly error: string,
    description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(asciiDescription(description));
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
  }
}

export class InvalidRequestObject extends OAuthError {
  constructor(description: string) {
    super('invalid_request_object', description);
  }
}

export class RequestUriNotSupported extends OAuthError {
  constructor(description: string) {
    super('request_uri_not_supported', description);
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', description);
  }
}

export class UnsupportedResponseType extends OAuthError {
  constructor(description: string) {
    super('unsupported_response_type', description);
  }
}

export class AccessDenied extends OAuthError {
  constructor(description: string) {
    super('access_denied', description);
  }
}

export class LoginRequired extends OAuthError {
  constructor(description: string) {
    super('login_required', description);
  }
}

/** C-27: 401, as RFC 6749 §5.2 allows for a failed client authentication. */
export class InvalidClient extends OAuthError {
  constructor(description: string) {
    super('invalid_client', description, 401);
  }
}

export class InvalidGrant extends OAuthError {
  constructor(description: string) {
    super('invalid_grant', description);
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(description: string) {
    super('unsupported_grant_type', description);
  }
}

/** RFC 6750 §3: a bearer token the resource refuses (C-35), with its WWW-Authenticate challenge. */
export class InvalidToken extends OAuthError {
  constructor(description: string, { challengeOnly = false } = {}) {
    // §3.1: a request without any token gets the bare challenge, without an error code.
    const challenge = challengeOnly ? 'Bearer' : `Bearer error="invalid_token", error_description="${asciiDescription(description)}"`;
    super('invalid_token', description, 401, { 'WWW-Authenticate': challenge });
  }
}

export class MethodNotAllowed extends OAuthError {
  constructor(allowed: string) {
    super('invalid_request', `method not allowed, use ${allowed}`, 405, { Allow: allowed });
  }
}

export class TemporarilyUnavailable extends OAuthError {
  constructor(description: string, headers: Record<string, string> = {}) {
    super('temporarily_unavailable', description, 503, headers);
  }
}

export class ServerError extends OAuthError {
  constructor() {
    super('server_error', 'internal error, try again later', 500);
  }
}

/**
 * Anything thrown by a handler, as an OAuth error: refusals of the platform (413 body too large, 415
 * not a form, 400 bad encoding) keep their status as invalid_request; the unexpected is logged for
 * operators and becomes server_error, revealing nothing.
 */
export function asOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  const refusal = err instanceof HttpError ? err : unavailableFrom(err);
  if (refusal) {
    if (refusal.status === 503) return new TemporarilyUnavailable('service temporarily unavailable, retry later', refusal.headers);
    return new OAuthError('invalid_request', refusal.code.replace(/_/g, ' '), refusal.status);
  }
  console.error('oidc: unhandled error', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return new ServerError();
}

/** Responses that carry tokens or token state must never be cached (RFC 6749 §5.1). */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function oauthJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return json(body, status, { ...NO_STORE, ...headers });
}

export function oauthErrorJson(err: OAuthError): Response {
  return oauthJson({ error: err.error, error_description: err.message }, err.status, err.headers);
}

/**
 * The 400 page: the request cannot be sent back to the service, so the citizen is told here. When we
 * are the problem (503, overloaded) the page says so, and to retry, instead of blaming the service.
 */
export function authorizationErrorPage(err: OAuthError): Response {
  if (err.status === 503) {
    return errorPage(503, 'Servizio non disponibile', 'Il servizio CieID è momentaneamente sovraccarico. Riprova tra qualche istante.', undefined, err.headers);
  }
  return errorPage(
    err.status,
    'Richiesta di accesso non valida',
    `Il servizio che ti ha inviato qui ha fatto una richiesta che non può essere accolta (${err.error}: ${err.message}). Torna al sito del servizio e riprova.`,
  );
}

/** An error sent back to the RP's registered redirect_uri, with state and iss (C-5…C-21). */
export function authorizationErrorRedirect(target: ResponseTarget, err: OAuthError): Promise<Response> {
  return authorizationResponse(target, { error: err.error, error_description: err.message });
}

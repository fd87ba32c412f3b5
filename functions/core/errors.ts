/**
 * One error type for everything a handler refuses. It carries what a machine needs (status, code,
 * the list of problems) and what a citizen needs (an Italian sentence); the edge renders it as JSON
 * or as a page, in one place, so no handler builds error responses by hand.
 */
export interface Problem {
  field: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, problems: Problem[] = []) => new HttpError(400, 'invalid_request', message, problems);
export const unauthorized = (message = 'Credenziali di accesso mancanti o non valide') =>
  new HttpError(401, 'unauthorized', message, [], { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Risorsa non trovata') => new HttpError(404, 'not_found', message);
export const conflict = (message: string, problems: Problem[] = []) => new HttpError(409, 'conflict', message, problems);
export const tooLarge = () => new HttpError(413, 'payload_too_large', 'Richiesta troppo grande');
export const unsupportedMedia = (expected: string) => new HttpError(415, 'unsupported_media_type', `Tipo di contenuto non supportato: atteso ${expected}`);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new HttpError(429, 'too_many_requests', message, [], { 'Retry-After': String(retryAfterSeconds) });

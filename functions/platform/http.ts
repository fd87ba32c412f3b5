import { type HttpError, badRequest, tooLarge, unsupportedMedia } from '../core/errors';

/** Every request body we accept is small; anything bigger is refused before it is read whole. */
export const MAX_BODY_BYTES = 64 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** RFC 6797: browsers reach us over https only, for two years, subdomains included. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000; includeSubDomains';

/**
 * What every response leaving the Worker says, whoever made it (a handler, an error page, the
 * overload refusal, the static files from ASSETS, which set neither): never sniffed as another type,
 * and in production pinned to https. Outside production the service runs on plain http, where HSTS
 * would make browsers refuse the next local server on the same host.
 */
export function withEntryHeaders(response: Response, production: boolean): Response {
  const sniffable = !response.headers.has('X-Content-Type-Options');
  if (!sniffable && !production) return response;
  // Responses from fetch and ASSETS have immutable headers: a copy, body streamed through.
  const out = new Response(response.body, response);
  if (sniffable) out.headers.set('X-Content-Type-Options', 'nosniff');
  if (production) out.headers.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
  return out;
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
  });
}

/** A page's own script asking for JSON (`Accept: application/json`); a browser's navigation never does. */
export const acceptsJson = (request: Request): boolean => /\bapplication\/json\b/i.test(request.headers.get('Accept') ?? '');

export function errorJson(err: HttpError): Response {
  const body: Record<string, unknown> = { error: err.code, error_description: err.message };
  if (err.problems.length) body.problems = err.problems;
  return json(body, err.status, err.headers);
}

export function withSecurityHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return { ...SECURITY_HEADERS, ...headers };
}

/** Reads the body as text, refusing (413) more than `limit` bytes whatever Content-Length claims. */
export async function readText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers.get('Content-Length') ?? '0');
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw badRequest('Il corpo della richiesta non è UTF-8 valido');
  }
}

function mediaType(request: Request): string {
  return (request.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A JSON object body, or a 4xx that says why not. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  if (mediaType(request) !== 'application/json') throw unsupportedMedia('application/json');
  const text = await readText(request);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('Il corpo della richiesta non è JSON valido');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('Il corpo della richiesta deve essere un oggetto JSON');
  }
  return value as Record<string, unknown>;
}

/** Form fields of an HTML form post; repeated fields keep their last value. */
export async function readForm(request: Request): Promise<Map<string, string>> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') {
    throw unsupportedMedia('application/x-www-form-urlencoded');
  }
  const params = new URLSearchParams(await readText(request));
  const form = new Map<string, string>();
  for (const [k, v] of params) form.set(k, v);
  return form;
}

export function redirect(location: string, status = 303, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers: withSecurityHeaders({ Location: location, ...headers }) });
}

import { checkEntityId } from '../core/federation-statement';

/**
 * The one way the provider reaches another federation entity: a GET of a signed statement, bounded
 * in time (FETCH_TIMEOUT_MS), size (MAX_STATEMENT_BYTES) and reach (https, loopback http outside
 * production; no redirect followed, so a statement always comes from the URL that names it).
 */
export const FETCH_TIMEOUT_MS = 3_000;
export const MAX_STATEMENT_BYTES = 64 * 1024;

/** C-41: entity configurations and fetch endpoints' answers come as this type, and no other. */
export const ENTITY_STATEMENT_TYPE = 'application/entity-statement+jwt';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export type Fetched = { ok: true; jwt: string } | { ok: false; problem: string };

async function boundedText(body: ReadableStream<Uint8Array>, limit: number): Promise<string | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}

/**
 * The statement at `url`, served as `type` (the caller says which one it expects), within `timeoutMs`
 * (the resolution's remaining time, at most FETCH_TIMEOUT_MS). `problem` says what the URL answered:
 * for the logs, and for the error only outside production (platform/federation).
 */
export async function fetchStatement(url: string, allowLoopbackHttp: boolean, type: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Fetched> {
  const refused = checkEntityId(url.split('?')[0], allowLoopbackHttp);
  if (refused) return { ok: false, problem: `${url}: ${refused}` };
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { Accept: type },
      signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, FETCH_TIMEOUT_MS))),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { ok: false, problem: `${url} is unreachable${timedOut ? ' (timeout)' : ''}` };
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    return { ok: false, problem: `${url} is unreachable (HTTP ${response.status})` };
  }
  const served = (response.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (served !== type) {
    await response.body?.cancel();
    return { ok: false, problem: `${url} answered ${served || 'no content type'}, not ${type}` };
  }
  const declared = Number(response.headers.get('Content-Length') ?? '0');
  if (declared > MAX_STATEMENT_BYTES || !response.body) {
    await response.body?.cancel();
    return { ok: false, problem: `${url} answered more than ${MAX_STATEMENT_BYTES} bytes` };
  }
  let text: string | null;
  try {
    text = await boundedText(response.body, MAX_STATEMENT_BYTES);
  } catch {
    return { ok: false, problem: `${url} is unreachable (the answer broke off)` };
  }
  if (text === null) return { ok: false, problem: `${url} answered more than ${MAX_STATEMENT_BYTES} bytes` };
  const jwt = text.trim();
  if (!COMPACT_JWS.test(jwt)) return { ok: false, problem: `${url} did not answer a signed JWT` };
  return { ok: true, jwt };
}

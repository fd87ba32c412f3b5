import { HttpError } from '../core/errors';

/**
 * Above saturation the service says so at once — 503 temporarily_unavailable with Retry-After —
 * instead of letting requests queue until clients time out. Two sources: this isolate has too many
 * requests in flight (admission), or a Durable Object refused or lost a call (overloaded, reset,
 * connection lost). Both are conditions of the moment, not faults of the request.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;
/** Long enough for a queue to drain, short enough that a citizen's retry is not a real wait. */
export const RETRY_AFTER_SECONDS = 1;

/** ASCII on purpose: it is also the error_description of the OAuth endpoints (RFC 6749 §5.2). */
const MESSAGE = 'Servizio temporaneamente non disponibile per il troppo traffico: riprovare tra qualche istante';

export const temporarilyUnavailable = () => new HttpError(503, 'temporarily_unavailable', MESSAGE, [], { 'Retry-After': String(RETRY_AFTER_SECONDS) });

/** MAX_IN_FLIGHT when it is a positive integer, the default otherwise (a typo must not turn shedding off). */
export function maxInFlight(setting: string | undefined): number {
  const value = Number(setting);
  return setting && Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_IN_FLIGHT;
}

/**
 * Requests of this isolate being handled now. Module scope is per isolate: each isolate sheds its own
 * excess, which is what bounds its queue and its memory.
 */
let inFlight = 0;

export const requestsInFlight = (): number => inFlight;

/**
 * Runs `handle` unless `limit` requests are already in flight, in which case `shed` answers at once.
 * The count goes down however `handle` ends.
 */
export async function admit<T>(limit: number, handle: () => Promise<T>, shed: () => T): Promise<T> {
  if (inFlight >= limit) return shed();
  inFlight++;
  try {
    return await handle();
  } finally {
    inFlight--;
  }
}

/**
 * A Durable Object call that failed for the platform's reasons, not ours: `overloaded` (too many
 * requests queued for one object, or a storage operation that timed out — retrying makes it worse)
 * or `retryable` (the object was reset or moved, the connection lost). Our own Durable Object code
 * never sets either, so what it throws stays what it is (a 500 that is a bug to fix).
 */
export function isDurableObjectUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { overloaded, retryable } = err as { overloaded?: unknown; retryable?: unknown };
  return overloaded === true || retryable === true;
}

/** The 503 a platform failure becomes, or null for anything else. */
export function unavailableFrom(err: unknown): HttpError | null {
  return isDurableObjectUnavailable(err) ? temporarilyUnavailable() : null;
}

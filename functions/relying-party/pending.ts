import { clearCookie, readCookie, setCookie } from '../platform/cookies';
import { decryptSecret, encryptSecret } from '../platform/crypto';

/**
 * What a relying party must remember between sending the browser to the OP and its return: kept in
 * the browser itself, sealed (AES-GCM under DATA_KEY, bound to the RP's own context), so it needs no
 * storage and a citizen cannot read or change the PKCE verifier, the state or the nonce.
 */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  level: 1 | 2;
  scope: string[];
  startedAt: number;
}

/** One RP's pending-login cookie: its name and the sealing context, so one RP's cookie never opens at another. */
export interface PendingCookie {
  name: string;
  context: string;
}

const MAX_AGE_SECONDS = 10 * 60;

export async function pendingCookie(cookie: PendingCookie, url: URL, dataKey: string, pending: PendingLogin): Promise<string> {
  return setCookie(url, cookie.name, await encryptSecret(dataKey, JSON.stringify(pending), cookie.context), MAX_AGE_SECONDS);
}

export const endPendingCookie = (cookie: PendingCookie, url: URL) => clearCookie(url, cookie.name);

/** The login this browser started, or null when there is none, it was tampered with or it is stale. */
export async function readPending(cookie: PendingCookie, request: Request, dataKey: string, now = Date.now()): Promise<PendingLogin | null> {
  const sealed = readCookie(request, cookie.name);
  if (!sealed || sealed.length > 2048) return null;
  let pending: PendingLogin;
  try {
    pending = JSON.parse(await decryptSecret(dataKey, sealed, cookie.context)) as PendingLogin;
  } catch {
    return null;
  }
  if (typeof pending.startedAt !== 'number' || now - pending.startedAt > MAX_AGE_SECONDS * 1000) return null;
  return pending;
}

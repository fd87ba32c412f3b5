import { clearCookie, readCookie, setCookie } from '../platform/cookies';
import { decryptSecret, encryptSecret } from '../platform/crypto';

/**
 * What the demo RP must remember between sending the browser to the OP and its return: kept in the
 * browser itself, sealed (AES-GCM under DATA_KEY), so the demo needs no storage of its own and a
 * citizen cannot read or change the PKCE verifier, the state or the nonce.
 */
export interface DemoSession {
  state: string;
  nonce: string;
  verifier: string;
  level: 1 | 2;
  scope: string[];
  startedAt: number;
}

const COOKIE = 'cie_demo';
const CONTEXT = 'demo-rp-session';
const MAX_AGE_SECONDS = 10 * 60;

export async function sessionCookie(url: URL, dataKey: string, session: DemoSession): Promise<string> {
  return setCookie(url, COOKIE, await encryptSecret(dataKey, JSON.stringify(session), CONTEXT), MAX_AGE_SECONDS);
}

export const endSessionCookie = (url: URL) => clearCookie(url, COOKIE);

/** The session this browser started, or null when there is none, it was tampered with or it is stale. */
export async function readSession(request: Request, dataKey: string, now = Date.now()): Promise<DemoSession | null> {
  const sealed = readCookie(request, COOKIE);
  if (!sealed || sealed.length > 2048) return null;
  let session: DemoSession;
  try {
    session = JSON.parse(await decryptSecret(dataKey, sealed, CONTEXT)) as DemoSession;
  } catch {
    return null;
  }
  if (typeof session.startedAt !== 'number' || now - session.startedAt > MAX_AGE_SECONDS * 1000) return null;
  return session;
}

export const MISSING_SESSION = 'Sessione del servizio assente o scaduta: riparti da “Entra con CIE”.';

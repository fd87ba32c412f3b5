/**
 * R-LOG-2 (push) and R-LOG-3 (QR): how long an App approval and a QR code live, and how many pending
 * approvals one identity may be sent. Each is a choice: the guides say only "single use" and "expires".
 */

/** A push waits as long as a citizen plausibly takes to find the phone; the login flow itself lasts longer. */
export const APPROVAL_TTL_MS = 2 * 60_000;

/** R-LOG-3: the level 2 page's QR code lives 120 s ("Validità codice"), renewed on demand. */
export const QR_TTL_MS = 120_000;

/**
 * A flood of pushes to one identity (someone who knows the password, or a script) is refused: at most
 * this many approvals opened per identity within the window, whatever the flows.
 */
export const APPROVAL_BURST = 5;
export const APPROVAL_WINDOW_MS = 10 * 60_000;

/** Seconds to wait before another approval may be opened, given the opening times in the window. */
export function approvalWaitSeconds(openedAt: readonly number[], now: number): number {
  const recent = openedAt.filter((t) => t > now - APPROVAL_WINDOW_MS).sort((a, b) => a - b);
  if (recent.length < APPROVAL_BURST) return 0;
  const oldestThatCounts = recent[recent.length - APPROVAL_BURST]!;
  return Math.max(1, Math.ceil((oldestThatCounts + APPROVAL_WINDOW_MS - now) / 1000));
}

/**
 * R-APP-4 / replay: a signature counter must move forward. Authenticators that keep no counter send
 * 0 every time, which is allowed only while the stored counter is 0 too (WebAuthn §6.1.1).
 */
export function counterAdvances(stored: number, presented: number): boolean {
  if (stored === 0 && presented === 0) return true;
  return presented > stored;
}

export function approvalWaitMessage(waitSeconds: number): string {
  const minutes = Math.ceil(waitSeconds / 60);
  return `Troppe notifiche inviate in poco tempo. Riprova tra ${minutes} ${minutes === 1 ? 'minuto' : 'minuti'} o autorizza tramite SMS.`;
}

/**
 * R-LOG-3: the level 2 page's QR code. Its content is opaque to everyone but this service:
 * `CIEID-QR1.<login object id>.<32 random bytes>`, the secret kept only as a hash in the flow.
 */
export const QR_PREFIX = 'CIEID-QR1';

const QR_CONTENT = new RegExp(`^${QR_PREFIX}\\.([0-9a-f]{64})\\.([A-Za-z0-9_-]{43})$`);

export const qrContent = (loginObjectId: string, secret: string): string => `${QR_PREFIX}.${loginObjectId}.${secret}`;

/** What a scanned code names, or null for anything that is not one of ours. */
export function parseQrContent(content: unknown): { loginObjectId: string; secret: string } | null {
  const match = typeof content === 'string' ? QR_CONTENT.exec(content) : null;
  return match ? { loginObjectId: match[1]!, secret: match[2]! } : null;
}

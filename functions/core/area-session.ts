import { type FlowKind, defineFlow } from './flows';
import { FISCAL_NUMBER } from './oidc-claims';
import { isValidFiscalCode } from './fiscal-code';
import { isSerial } from './serial';
import { type CardStatus, isInService } from './card';

/**
 * The personal area's session (issue 13 §1): a flow of its own kind, opened by a level 2 login in
 * which this service is its own relying party, and kept by the FlowSession named in the area's cookie.
 * It has one step, `open`, which moves to itself on every use: the move is what restarts the idle clock.
 */
export type AreaSessionStep = 'open';

export interface AreaSessionData {
  /** From the ID token of the login that opened the session (its `document_details`), never from the browser. */
  serial: string;
  fiscalCode: string;
  /** The login's `auth_time`, Unix milliseconds. */
  authTime: number;
}

/** Fifteen minutes idle: a shared computer left with the area open closes it by itself. */
export const AREA_SESSION_IDLE_MS = 15 * 60_000;

export const AREA_SESSION_FLOW: FlowKind<AreaSessionStep, AreaSessionData> = defineFlow<AreaSessionStep, AreaSessionData>({
  type: 'area-session',
  goneMessage: 'La sessione dell’area personale è scaduta o è stata chiusa: accedi di nuovo.',
  idleMs: AREA_SESSION_IDLE_MS,
  starts: ['open'],
  moves: { open: ['open'] },
  writes: { open: [] },
});

/** What the area asks for in the ID token: who logged in, as the card knows them. */
export const AREA_ID_TOKEN_CLAIMS = { id_token: { document_details: null, [FISCAL_NUMBER]: null } } as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The identity an ID token of the area's own login names: the card's serial (`document_details`),
 * the codice fiscale (`TINIT-` + the code) and `auth_time`. Null when any is missing or malformed: the
 * area opens no session on a token it cannot read whole.
 */
export function areaIdentityOf(claims: Record<string, unknown>): AreaSessionData | null {
  const document = claims.document_details;
  const serial = isObject(document) ? document.document_number : undefined;
  const fiscal = claims[FISCAL_NUMBER];
  const authTime = claims.auth_time;
  if (typeof serial !== 'string' || !isSerial(serial)) return null;
  if (typeof fiscal !== 'string' || !fiscal.startsWith('TINIT-')) return null;
  const fiscalCode = fiscal.slice('TINIT-'.length);
  if (!isValidFiscalCode(fiscalCode)) return null;
  if (typeof authTime !== 'number' || !Number.isSafeInteger(authTime) || authTime <= 0) return null;
  return { serial, fiscalCode, authTime: authTime * 1000 };
}

/** What the Card says about the identity a session belongs to (Card.areaState). */
export interface AreaCardStanding {
  serial: string;
  fiscalCode: string;
  /** The card's status with expiry applied (Card.view). */
  status: CardStatus;
  /** When every area session of the identity was ended (Card.endAreaSessions); null when never. */
  areaSessionsEndedAt: number | null;
  /** The one session that end kept (the one that changed the password), by its hash (areaSessionHash); null when none. */
  areaSessionKept: string | null;
}

/**
 * A session stands while the Card it names is in service (R-CARD-3, R-CARD-7: a blocked, expired or
 * superseded card has nobody to show its area to) and is the same identity the login proved (serial
 * and codice fiscale both), and no end of every session of that identity (revocation, password
 * recovery, a password change elsewhere) came at or after the login authenticated — the login's
 * `auth_time`, not the session's opening: a login verified just before a revocation opens its
 * session after it, and must not stand. `auth_time` has whole seconds, so a login in the same second
 * as an end is refused too (the citizen logs in again). The session an end kept stands.
 */
export function areaSessionStands(session: { serial: string; fiscalCode: string; authTime: number; keptAs: string }, card: AreaCardStanding | null): boolean {
  if (!card || !isInService(card.status) || card.serial !== session.serial || card.fiscalCode !== session.fiscalCode) return false;
  return card.areaSessionsEndedAt === null || session.authTime > card.areaSessionsEndedAt || card.areaSessionKept === session.keptAs;
}

import type { Env } from '../env';
import { otpRetryAfter } from '../core/otp-send';
import { PUK_APP_DAILY_STARTS, type PukRequestAnswer } from '../core/puk-recovery';
import { type DecoyCaps, PUK_RECOVERY_FLOW, PUK_SUBJECT, type PukRecoveryStep, type RecoveryData } from '../core/recovery-flows';
import { directoryFor } from '../platform/directory';
import { type Flow, endFlow, startFlow } from '../platform/flows';
import { notifyHolder } from '../platform/notices';
import { cardObject } from '../platform/objects';
import type { OtpCheckResult } from '../platform/otp';
import { requireSecrets } from '../platform/secrets';
import { unknownNameCounts, unknownUsernameKey } from '../platform/username-throttle';
import { checkCode, issueCode, phoneOnRecord } from './codes';

/**
 * R-PUK-2, the request, as the web pages and the App's JSON both make it: codice fiscale and serial
 * → a code to the phone on record → the request on the Card, released 48 hours later by its alarm.
 * A pair nobody holds or a card out of service (blocked, PUK-blocked, expired, superseded) starts a
 * decoy (core/recovery-flows): the same answer, the same Durable Object calls before it (the
 * directory's read; the current card's start, or for a codice fiscale nobody holds the unknown
 * name's count (App) or a read of the new flow (web); the flow's start and its code). The daily
 * counts fall on the codice fiscale's identity whatever serial was typed.
 */
export type PukFlow = Flow<PukRecoveryStep, RecoveryData>;

export const PUK_START_CAP_MESSAGE = 'Hai già chiesto il recupero del PUK troppe volte oggi: riprova domani.';

/** `capped`: the App's requests of the day are spent (PUK_APP_DAILY_STARTS); seconds to the next Italian day. */
export type PukStart = { flow: PukFlow } | { capped: number } | null;

export async function startPukRecovery(
  env: Env,
  ctx: ExecutionContext,
  fiscalCode: string,
  serial: string,
  options: { countStart?: boolean } = {},
): Promise<PukStart> {
  const countStart = options.countStart ?? false;
  const current = await directoryFor(env).currentCard(fiscalCode);
  // Drawn on both paths, so a stranger's codice fiscale costs what a holder's does.
  const key = await unknownUsernameKey(requireSecrets(env).dataKey, fiscalCode);
  let start: { recoverable: boolean; allowed: boolean } | null = null;
  let decoyCaps: DecoyCaps;
  if (current !== null) {
    start = await cardObject(env, current).startPukRecovery(countStart);
    decoyCaps = { serial: current };
  } else {
    if (countStart) start = { recoverable: false, allowed: await unknownNameCounts(env, key).count('puk-start', PUK_APP_DAILY_STARTS, Date.now()) };
    decoyCaps = { key };
  }
  if (start && !start.allowed) return { capped: otpRetryAfter({ reason: 'cap' }, Date.now()) };
  const real = current === serial && start?.recoverable === true;
  const flow = await startFlow(env, PUK_RECOVERY_FLOW, 'otp', real ? { serial, decoyCaps: null } : { serial: null, decoyCaps });
  if (!flow) return null;
  if (!start) await flow.stub.read();
  await issueCode(env, ctx, flow, PUK_SUBJECT, phoneOnRecord(env, flow.data.serial));
  return { flow };
}

/** `refused`: the code was right but the card left service meanwhile (blocked while the citizen typed). */
export type PukRequestOutcome = { outcome: 'code'; check: Exclude<OtpCheckResult, { outcome: 'ok' }> } | PukRequestAnswer | { outcome: 'refused' };

/** The code; once right, the request on the card (or the one already there), the notice, and the flow ended. */
export async function finishPukRequest(env: Env, flow: PukFlow, code: string, origin: string): Promise<PukRequestOutcome> {
  const check = await checkCode(env, flow, PUK_SUBJECT, code);
  if (check.outcome !== 'ok') {
    if (check.outcome === 'closed') await endFlow(flow);
    return { outcome: 'code', check };
  }
  await endFlow(flow);
  // A decoy's code matches nothing: a right code is a real card's.
  const serial = flow.data.serial!;
  const answer = await cardObject(env, serial).requestPukRecovery(origin);
  if (!answer) return { outcome: 'refused' };
  if (answer.outcome === 'requested') await notifyHolder(env, serial, { kind: 'puk_recovery_requested', releaseAt: answer.releaseAt });
  return answer;
}

import type { Env } from '../env';
import type { PukRequestAnswer } from '../core/puk-recovery';
import { PUK_RECOVERY_FLOW, PUK_SUBJECT, type PukRecoveryStep, type RecoveryData } from '../core/recovery-flows';
import { directoryFor } from '../platform/directory';
import { type Flow, endFlow, startFlow } from '../platform/flows';
import { notifyHolder } from '../platform/notices';
import { cardObject } from '../platform/objects';
import type { OtpCheckResult } from '../platform/otp';
import { checkCode, issueCode, phoneOnRecord } from './codes';

/**
 * R-PUK-2, the request, as the web pages and the App's JSON both make it: codice fiscale and serial
 * → a code to the phone on record → the request on the Card, released 48 hours later by its alarm.
 * A pair nobody holds or a card out of service (blocked, PUK-blocked, expired, superseded) starts a
 * decoy (core/recovery-flows): the same answer, the same Durable Object calls before it (the
 * directory's read; the card's read, or a read of the new flow; the flow's start and its code).
 */
export type PukFlow = Flow<PukRecoveryStep, RecoveryData>;

export async function startPukRecovery(env: Env, ctx: ExecutionContext, fiscalCode: string, serial: string): Promise<PukFlow | null> {
  const current = await directoryFor(env).currentCard(fiscalCode);
  const recoverable = current === serial && (await cardObject(env, serial).pukRecoverable());
  const flow = await startFlow(env, PUK_RECOVERY_FLOW, 'otp', { serial: recoverable ? serial : null });
  if (!flow) return null;
  if (current !== serial) await flow.stub.read();
  await issueCode(env, ctx, flow, PUK_SUBJECT, phoneOnRecord(env, flow.data.serial));
  return flow;
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

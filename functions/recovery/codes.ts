import type { Env } from '../env';
import { OTP_CHECK_CAP_MESSAGE, OTP_DAILY_CHECK_CAP } from '../core/otp';
import { type OtpSubject, otpChannel, otpHashInput, otpMessage, otpPurpose, otpRefusalMessage, otpRetryAfter } from '../core/otp-send';
import type { DecoyCaps } from '../core/recovery-flows';
import type { FlowMove } from '../core/flows';
import { keyedHash, randomId } from '../platform/crypto';
import { type OtpCheckResult, checkOtp, issueShownOtp } from '../platform/otp';
import { notifierFor } from '../platform/notifier';
import { type FlowStub, cardObject } from '../platform/objects';
import { requireSecrets } from '../platform/secrets';
import { unknownNameCounts } from '../platform/username-throttle';

/**
 * The recoveries' codes (R-OTP-1, R-OTP-2, R-OTP-3) through platform/otp, with what a recovery needs
 * beyond it: a decoy flow (serial null: a username or pair nobody holds, or a card that may not
 * recover) gets a code no one was sent and no input matches, at the cost of the real one — one
 * keyed hash and the same number of Durable Object calls before the answer — and a real code is
 * counted and handed to the notifier after the answer (waitUntil), so neither the card's write nor
 * how long an SMS provider takes shows in any answer.
 */
export interface RecoveryCodeFlow {
  id: string;
  stub: FlowStub;
  data: { serial: string | null; decoyCaps?: DecoyCaps | null };
}

export type CodeIssue = { issued: true } | { issued: false; waitSeconds: number } | { issued: false; gone: true };

/**
 * Where a real flow's code goes, asked once the code is stored and the answer given: it counts the
 * send against the identity's daily cap (R-OTP-3), null when the cap refuses it — the code was then
 * stored and never sent, and the answer was the same. A double click inside the 30 s spends nothing.
 */
export type CodeRecipient = () => Promise<string | null>;

/** The code of `subject` in `flow`: a decoy's unmatchable hash, or a drawn code handed to `recipient` after the answer. */
export async function issueCode(env: Env, ctx: ExecutionContext, flow: RecoveryCodeFlow, subject: OtpSubject, recipient: CodeRecipient): Promise<CodeIssue> {
  if (flow.data.serial === null) {
    const purpose = otpPurpose(subject);
    const hash = await keyedHash(requireSecrets(env).dataKey, 'otp', otpHashInput(purpose, flow.id, randomId()));
    const issued = await flow.stub.issueOtp(purpose, hash);
    if (issued.issued) return { issued: true };
    return issued.waitSeconds > 0 ? { issued: false, waitSeconds: issued.waitSeconds } : { issued: false, gone: true };
  }
  const shown = await issueShownOtp(env, flow, subject);
  if ('waitSeconds' in shown) return { issued: false, waitSeconds: shown.waitSeconds };
  if ('gone' in shown) return { issued: false, gone: true };
  const deliver = async () => {
    const to = await recipient();
    if (to) await notifierFor(env).send({ to, channel: otpChannel(subject), text: otpMessage(subject, shown.code), code: shown.code });
  };
  ctx.waitUntil(deliver());
  return { issued: true };
}

/**
 * R-OTP-1, R-OTP-2: the typed code against the flow's. A real flow counts the identity's daily
 * checks on its card (platform/otp checkOtp); a decoy counts its check where a real flow for what
 * was typed would (core/recovery-flows DecoyCaps) on the same cap, before comparing against its
 * unmatchable hash, and gives it back as checkOtp does when the flow was not open: the same two
 * calls, and capped after the same number of checks.
 */
export async function checkCode(env: Env, flow: RecoveryCodeFlow, subject: OtpSubject, code: string, then?: FlowMove): Promise<OtpCheckResult> {
  if (flow.data.serial !== null) return checkOtp(env, { id: flow.id, stub: flow.stub, serial: flow.data.serial }, subject, code, then);
  const purpose = otpPurpose(subject);
  const hash = await keyedHash(requireSecrets(env).dataKey, 'otp', otpHashInput(purpose, flow.id, code));
  const caps = decoyCheckCaps(env, flow.data.decoyCaps ?? null);
  const countedAt = Date.now();
  if (caps && !(await caps.count(countedAt))) return { outcome: 'capped', retryAfter: otpRetryAfter({ reason: 'cap' }, Date.now()) };
  const check = await flow.stub.checkOtp(purpose, hash);
  if (check.outcome === 'gone' && caps) await caps.giveBack(countedAt);
  return check;
}

/** R-OTP-2's daily check count of a decoy: on the card its name resolves to, or on the unknown name's counter. */
function decoyCheckCaps(env: Env, caps: DecoyCaps | null): { count(now: number): Promise<boolean>; giveBack(countedAt: number): Promise<void> } | null {
  if (!caps) return null;
  if ('serial' in caps) {
    const card = cardObject(env, caps.serial);
    return { count: async (now) => (await card.countOtpCheck(now)).allowed, giveBack: (countedAt) => card.uncountOtpCheck(countedAt) };
  }
  const counts = unknownNameCounts(env, caps.key);
  return { count: (now) => counts.count('otp-check', OTP_DAILY_CHECK_CAP, now), giveBack: (countedAt) => counts.giveBack('otp-check', countedAt) };
}

/** The phone on record, once the day's cap allows one more send (R-OTP-3): where an SMS code goes. */
export const phoneOnRecord = (env: Env, serial: string | null) => async (): Promise<string | null> => {
  if (serial === null) return null;
  const allowance = await cardObject(env, serial).countSendTo();
  return allowance.allowed ? allowance.phone : null;
};

/** The verified email, once the day's cap allows one more send (R-OTP-3): where the second code of a password recovery goes. */
export const emailOnRecord = (env: Env, serial: string | null, email: string | null) => async (): Promise<string | null> => {
  if (serial === null || email === null) return null;
  return (await cardObject(env, serial).countSendTo()).allowed ? email : null;
};

export const TOO_MANY_WRONG_CODES = 'Hai inserito un codice errato troppe volte: per sicurezza la procedura è stata interrotta. Ricomincia.';

/** How a recovery's page answers a code that opened nothing: the page again with why, or the flow's end with why. */
export type CodeRefusal = { again: { errors: string[]; invalid?: boolean; status: number; headers?: Record<string, string> } } | { ended: string };

/** R-OTP-1, R-OTP-2: a refused code in the recoveries' words (the fifth wrong one ends the flow). */
export function codeRefusal(check: Exclude<OtpCheckResult, { outcome: 'ok' }>, goneMessage: string): CodeRefusal {
  switch (check.outcome) {
    case 'capped':
      return { again: { errors: [OTP_CHECK_CAP_MESSAGE], status: 429, headers: { 'Retry-After': String(check.retryAfter) } } };
    case 'wrong':
      return { again: { errors: [`Il codice inserito non è corretto. Tentativi rimasti: ${check.remaining}.`], invalid: true, status: 400 } };
    case 'expired':
    case 'none':
      return { again: { errors: ['Il codice non è più valido: premi «Invia di nuovo» per riceverne uno nuovo.'], invalid: true, status: 400 } };
    case 'closed':
      return { ended: TOO_MANY_WRONG_CODES };
    case 'gone':
      return { ended: goneMessage };
  }
}

export const CODE_RESENT = 'Ti abbiamo inviato un nuovo codice. Il codice precedente non è più valido.';

/** R-OTP-3: a refused "Invia di nuovo" — within the 30 s, or the flow gone. */
export function resendRefusal(issued: Exclude<CodeIssue, { issued: true }>, subject: OtpSubject, goneMessage: string): CodeRefusal {
  if ('gone' in issued) return { ended: goneMessage };
  const message = otpRefusalMessage(subject, { reason: 'wait', waitSeconds: issued.waitSeconds });
  return { again: { errors: [message], status: 429, headers: { 'Retry-After': String(issued.waitSeconds) } } };
}

import type { Env } from '../env';
import { drawOtp } from '../core/otp';
import { secondsToItalianMidnight } from '../core/civil-date';
import { keyedHash, randomInt } from '../platform/crypto';
import { notifierFor } from '../platform/notifier';
import { cardObject } from '../platform/objects';
import type { OtpIssue } from '../../durable-objects/flow-session';
import { type LoginFlow, type LoginState, type LoginStep, flowGone, requireSecrets } from './flow';

/** R-OTP-1: codes are bound to their flow and purpose before hashing, so a code is good nowhere else. */
export const LOGIN_OTP_PURPOSE = 'login-sms';

export async function loginOtpHash(env: Env, flowId: string, code: string): Promise<string> {
  return keyedHash(requireSecrets(env).dataKey, 'otp', `${LOGIN_OTP_PURPOSE}:${flowId}:${code}`);
}

export type OtpSend = { sent: true } | { sent: false; waitSeconds: number } | { sent: false; capReached: true };

/** The service name in an SMS is cut short: an SMS is 160 characters. */
const SMS_NAME_MAX = 60;

/** A fresh code for the flow, and its hash as the flow keeps it. */
async function newLoginOtp(env: Env, flowId: string): Promise<{ code: string; hash: string }> {
  const code = drawOtp(randomInt);
  return { code, hash: await loginOtpHash(env, flowId, code) };
}

/** The flow kept no code: it is gone (410), or the last code is less than 30 s old. */
function notIssued(issued: Extract<OtpIssue, { issued: false }>): OtpSend {
  if (issued.waitSeconds === 0) throw flowGone();
  return { sent: false, waitSeconds: issued.waitSeconds };
}

/** The code the flow now holds goes out by SMS, within the identity's daily cap (the card decides). */
async function deliverLoginOtp(env: Env, flow: LoginFlow, login: LoginState, code: string): Promise<OtpSend> {
  const allowance = await cardObject(env, login.serial).countSendTo();
  if (!allowance.allowed) return { sent: false, capReached: true };
  if (!allowance.phone) throw flowGone();
  const name = flow.request.clientName.slice(0, SMS_NAME_MAX);
  await notifierFor(env).send({
    to: allowance.phone,
    channel: 'sms',
    text: `CieID: il codice per accedere a ${name} è ${code}. Scade tra 5 minuti. Non comunicarlo a nessuno.`,
    code,
  });
  return { sent: true };
}

/**
 * R-OTP-3: a new code replaces the old one, at most one every 30 s (the flow decides) and within the
 * identity's daily cap (the card decides). The 30 s check comes first, so a double click does not
 * spend the citizen's daily allowance; if the cap then refuses, the code just stored was never sent
 * and the citizen cannot go on today either way.
 */
export async function sendLoginOtp(env: Env, flow: LoginFlow, login: LoginState): Promise<OtpSend> {
  const otp = await newLoginOtp(env, flow.id);
  const issued = await flow.stub.issueOtp(LOGIN_OTP_PURPOSE, otp.hash);
  return issued.issued ? deliverLoginOtp(env, flow, login, otp.code) : notIssued(issued);
}

/**
 * Into the SMS step: the flow moves from `from` and takes the first code in one call, then the code
 * is sent as by sendLoginOtp. Null when the flow did not move (another request moved it first).
 */
export async function enterOtpStep(env: Env, flow: LoginFlow, login: LoginState, from: LoginStep): Promise<OtpSend | null> {
  const otp = await newLoginOtp(env, flow.id);
  const issued = await flow.stub.advanceWithOtp(from, 'otp', { login }, LOGIN_OTP_PURPOSE, otp.hash);
  if (!issued) return null;
  return issued.issued ? deliverLoginOtp(env, { ...flow, step: 'otp', login }, login, otp.code) : notIssued(issued);
}

export function otpSendProblem(result: Exclude<OtpSend, { sent: true }>): { message: string; retryAfter: number } {
  if ('capReached' in result) {
    return { message: 'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.', retryAfter: secondsToItalianMidnight(Date.now()) };
  }
  return {
    message: `Attendi ${result.waitSeconds} secondi prima di chiedere un nuovo codice.`,
    retryAfter: result.waitSeconds,
  };
}

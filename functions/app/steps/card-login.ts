import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import type { AccessOutcome } from '../../core/card';
import { consentLabels } from '../../core/claim-labels';
import { HttpError, badRequest, tooManyRequests } from '../../core/errors';
import {
  L3_QR_STEPS,
  L3_QR_TTL_MS,
  LOGIN_FLOW,
  type LoginFlowData,
  afterCardRefusal,
  afterCardSignature,
  cardApprovalId,
  cardRefusalMessage,
  isCardApprovalStep,
  isLoginRefusal,
  l3TimeIsUp,
  loginPatch,
  parseCardApprovalId,
  parseL3Code,
} from '../../core/login-flow';
import { issueCardOtp, l3CodeHash, openCardApproval, settleCardApproval } from '../../platform/app-approvals';
import { verifyCardPresentation } from '../../platform/card-auth';
import { moveOf, readFlowAt } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { type CardStub, cardObject, cardObjectId, grantObject } from '../../platform/objects';
import { type DeviceSession, requireDeviceSession } from '../session';
import { pinBlockedError, reportsPinBlocked } from '../../core/card-registration-flow';
import type { CardView } from '../../../durable-objects/card';

/**
 * The App's side of a level 3 login (R-LVL-3, R-LOG-4, R-LOG-5; docs/level3.md). The App presents the
 * code it was given — the deep link on the phone that shows the login, or the QR code a PC shows —
 * and gets the login's challenge; the card signs it (the chip checks the PIN: the App asks only its
 * last 4 digits, R-L3-1) and the App posts the signature. On the phone the login moves to consent;
 * on a PC to FASE 2, and the App shows the 4-digit code the citizen types there.
 */

/**
 * R-LOG-9: every refusal in an access log, with method `card` — the presented card's holder when the
 * card is known, else the holder of the device that tried. The RP is the login's when it is known.
 */
async function logCard(card: CardStub, login: LoginFlowData | null, outcome: AccessOutcome, reason?: string): Promise<void> {
  await card.logAccess({
    at: Date.now(),
    rp: login?.clientId ?? '',
    rpName: login?.clientName ?? '',
    level: login?.acr ?? 3,
    method: 'card',
    outcome,
    ...(reason ? { reason } : {}),
  });
}

const codeRefused = (message = 'Codice scaduto o già usato: ripeti la lettura della carta dalla pagina di accesso.') =>
  new HttpError(410, 'code_refused', message);

/**
 * POST /app/l3 — {content}: the deep link's or the QR code's content. The code is taken once, by this
 * device (a second presentation, a late one, or one of a login that moved on → 410, logged); the
 * answer is the card approval: the challenge to sign, for whom and what (201).
 */
export async function startCardLogin(request: IRequest, env: Env): Promise<Response> {
  const { card, device } = await requireDeviceSession(request, env);
  const body = await readJsonObject(request);
  const code = parseL3Code(body.content);
  if (!code) throw badRequest('Questo codice non è di CieID per la lettura della carta', [{ field: 'content', message: 'non valido' }]);
  const stub = grantObject(env, code.loginObjectId);
  const claim = stub ? await stub.claimQr(await l3CodeHash(code.secret), device.id, L3_QR_STEPS.at) : { outcome: 'unknown' as const };
  if (claim.outcome !== 'ok') {
    await logCard(card, null, 'app_refused', `code_${claim.outcome}`);
    throw codeRefused();
  }
  const flow = await readFlowAt(LOGIN_FLOW, stub!);
  if (!flow || !isCardApprovalStep(flow.step)) throw codeRefused('La richiesta di accesso non è più valida.');
  const now = Date.now();
  const pc = flow.step === 'l3-qr';
  // claimQr already refused a QR code past the try's deadline; the approval dies with the try too.
  if (pc && l3TimeIsUp(flow.data.l3, now)) throw codeRefused();
  const expiresAt = pc ? flow.data.l3!.deadline : now + L3_QR_TTL_MS;
  const opened = await openCardApproval(stub!, {
    loginObjectId: code.loginObjectId,
    from: flow.step,
    serial: pc ? flow.data.l3!.serial : null,
    deviceId: device.id,
    expiresAt,
  });
  if (!opened.opened) throw codeRefused('La richiesta di accesso non è più valida.');
  return json(
    {
      id: opened.id,
      kind: 'card',
      challenge: opened.challenge,
      rpName: flow.data.clientName,
      level: 3,
      attributes: consentLabels(flow.data.scope, flow.data.claims),
      expiresAt: new Date(expiresAt).toISOString(),
    },
    201,
  );
}

/**
 * R-L3-1: a device that holds a card for level 3 ("Registra la tua carta") signs with that card only.
 * A Card binds a device to its own certificate only, so a device of the presented card's identity
 * can hold no other card and is not asked; another identity's device is refused if it holds its
 * own card, and one that holds none signs with any card, as a reader would read it.
 */
async function deviceMayPresent(env: Env, session: DeviceSession, serial: string): Promise<boolean> {
  if (cardObjectId(env, serial) === session.cardId) return true;
  const fingerprint = ((await session.card.view()) as CardView | null)?.certificateFingerprint;
  return !fingerprint || !(await session.card.deviceHoldsCard(session.device.id, fingerprint));
}

const approvalGone = () => new HttpError(410, 'approval_gone', 'Richiesta di accesso scaduta, già conclusa o sconosciuta');
const cardRefused = (message: string) => new HttpError(403, 'card_refused', message);

/**
 * POST /app/l3/:id — {certificate, signature}: the card's presentation over the approval's challenge,
 * checked as every card is (docs/level3.md, checks 1–7: CA, validity, the Card's own certificate and
 * standing, holder ≥ 18, the signature over this very challenge). On a PC the card must be the one
 * the typed serial names (R-LOG-5); a device that holds a card signs with it (R-L3-1). Then the
 * challenge is taken once, for this card and this device, in the move itself: a replay, or the 99
 * others of 100 concurrent presentations, find it gone. {pinBlocked: true} instead: 423 (R-L3-3).
 */
export async function finishCardLogin(request: IRequest, env: Env): Promise<Response> {
  const session = await requireDeviceSession(request, env);
  const { card: deviceCard, device } = session;
  const ref = parseCardApprovalId(request.params.approvalId);
  const body = await readJsonObject(request);
  // The chip refused the PIN for good (R-L3-3): the App shows the way out, the login waits for another try.
  if (reportsPinBlocked(body)) throw pinBlockedError();
  const { certificate, signature } = body;
  if (typeof certificate !== 'string' || typeof signature !== 'string') {
    throw badRequest('certificate e signature: testo', [
      ...(typeof certificate === 'string' ? [] : [{ field: 'certificate', message: 'mancante o non valido' }]),
      ...(typeof signature === 'string' ? [] : [{ field: 'signature', message: 'mancante o non valido' }]),
    ]);
  }
  const stub = ref ? grantObject(env, ref.loginObjectId) : null;
  const flow = stub ? await readFlowAt(LOGIN_FLOW, stub) : null;
  if (!ref || !stub || !flow || !isCardApprovalStep(flow.step)) {
    await logCard(deviceCard, null, 'app_refused', 'approval_unknown');
    throw approvalGone();
  }
  const login = flow.data;
  const approvalId = cardApprovalId(ref.loginObjectId, ref.challenge);
  const now = Date.now();
  const verified = await verifyCardPresentation(env, { certificate, signature }, ref.challenge, new Date(now));
  if (!verified.ok) {
    const holder = verified.serial ? cardObject(env, verified.serial) : deviceCard;
    await logCard(holder, login, 'card_refused', verified.reason);
    // A card that cannot log in ends this login on the refusal page (the browser shows why), as the
    // password path does; the challenge is taken for it, so nothing else settles this try.
    if (verified.serial && isLoginRefusal(verified.reason)) {
      const refused = afterCardRefusal(verified.serial, verified.reason);
      await settleCardApproval(stub, approvalId, ref.challenge, verified.serial, device.id, moveOf(flow, refused.to, loginPatch(refused)));
    }
    throw cardRefused(cardRefusalMessage(verified.reason));
  }
  const { serial } = verified;
  // R-LOG-5: the challenge is bound to the typed serial too (settleApp would refuse): said first, in words.
  if (flow.step === 'l3-qr' && login.l3?.serial !== serial) {
    await logCard(cardObject(env, serial), login, 'card_refused', 'card_not_typed');
    throw cardRefused(cardRefusalMessage('card_not_typed'));
  }
  if (!(await deviceMayPresent(env, session, serial))) {
    await logCard(cardObject(env, serial), login, 'card_refused', 'card_not_registered');
    throw cardRefused(cardRefusalMessage('card_not_registered'));
  }
  const next = afterCardSignature(flow.step, serial, verified.card, login.l3, now);
  const move = moveOf(flow, next.to, loginPatch(next));
  if (flow.step === 'l3-qr') {
    // FASE 2's code is issued before the move that shows it (platform/app-approvals: issueCardOtp).
    const otp = await issueCardOtp(env, stub, ref.loginObjectId);
    if ('waitSeconds' in otp) throw tooManyRequests(`Attendi ${otp.waitSeconds} secondi e riprova.`, otp.waitSeconds);
    if ('gone' in otp || !(await settleCardApproval(stub, approvalId, ref.challenge, serial, device.id, move))) {
      await logCard(cardObject(env, serial), login, 'app_refused', 'approval_replayed');
      throw approvalGone();
    }
    // R-ACC-5: the card's signature in the App is the device authorising a login ("ultimo utilizzo").
    await deviceCard.markDeviceUsed(device.id);
    return json({ outcome: 'approved', otp: otp.code, expiresAt: new Date(login.l3!.deadline).toISOString() });
  }
  if (!(await settleCardApproval(stub, approvalId, ref.challenge, serial, device.id, move))) {
    await logCard(cardObject(env, serial), login, 'app_refused', 'approval_replayed');
    throw approvalGone();
  }
  await deviceCard.markDeviceUsed(device.id);
  return json({ outcome: 'approved' });
}

import { X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import { expectEqual, expectJson, expectMatch, expectStatus, fail } from '../core/assert.ts';
import type { CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import { VirtualApp, appCall } from './app.ts';
import { SoftwareAuthenticator } from './authenticator.ts';
import { AppCard, type CardPresentation, type CardRefusal, VirtualCard } from './card.ts';
import { Citizen } from './citizen.ts';

/**
 * The App CieID's card side (docs/level3.md, "Flows"): "Registra la tua carta" (R-L3-1, R-L3-2) and
 * the level 3 approvals (R-LOG-4, R-LOG-5), over the deployment's /app API, with the virtual chip.
 */

/** What the App says after a registration (R-L3-1). */
export const CARD_REGISTERED = 'Carta registrata correttamente';
/** R-L3-3: the way out the App shows for a blocked PIN. */
export const PIN_BLOCKED_WAY = 'Gestione carta → Sblocco carta';

/** A card holder and the chip the registry's 201 filled (the card's key, its certificate, PIN and PUK). */
export interface CardHolder {
  citizen: Citizen;
  chip: VirtualCard;
}

/** The chip of a card the registry issued with its key pair; fails when the deployment gave no key. */
export async function chipOf(citizen: Citizen): Promise<VirtualCard> {
  const { cardKey, certificate, pin, puk } = citizen.card;
  if (!cardKey || !certificate) fail(`the registry's 201 for ${citizen.serial} carries no cardKey and certificate: no chip to load (docs/level3.md)`);
  return VirtualCard.load({ cardKey, certificate, pin, puk });
}

/** A new card and its chip; no level 1/2 credentials (R-L3-2 needs none). */
export async function cardHolder(ctx: CheckContext, options: { age?: number } = {}): Promise<CardHolder> {
  const citizen = await Citizen.issue(ctx, options);
  return { citizen, chip: await chipOf(citizen) };
}

/** The chip's presentation after the right (full) PIN; fails when the chip refuses. */
export async function presentWithPin(chip: VirtualCard, pin: string, challenge: string): Promise<CardPresentation> {
  const p = await chip.presentation(pin, challenge);
  if (!('signature' in p)) fail(`the virtual chip refused the PIN: ${JSON.stringify(p)}`);
  return p;
}

export interface CardChallenge {
  flowId: string;
  challenge: string;
  registrationOptions?: { challenge: string; rp?: { id?: string } };
}

function expectChallenge(res: HttpResponse, what: string): CardChallenge {
  expectStatus(res, 201);
  const body = expectJson<CardChallenge>(res);
  expectMatch(typeof body.flowId === 'string' ? body.flowId : null, /^[A-Za-z0-9_-]{43}$/, `${what}: the flowId`);
  expectMatch(typeof body.challenge === 'string' ? body.challenge : null, /^[A-Za-z0-9_-]{43}$/, `${what}: the challenge`);
  return body;
}

/** POST /app/carta with the device session: the registration's flow and the challenge the card signs. */
export async function registrationChallenge(app: VirtualApp): Promise<CardChallenge> {
  return expectChallenge(await app.call('POST', '/app/carta', {}), 'POST /app/carta');
}

/**
 * R-L3-1: a certified device registers its holder's card, the chip unlocked by the full 8-digit PIN;
 * from then on the App asks only the last 4 digits (the AppCard).
 */
export async function registerCard(app: VirtualApp, h: CardHolder, pin = h.citizen.card.pin): Promise<AppCard> {
  const { flowId, challenge } = await registrationChallenge(app);
  const res = await app.call('POST', `/app/carta/${flowId}`, await presentWithPin(h.chip, pin, challenge));
  expectStatus(res, 200);
  expectEqual(expectJson(res).message, CARD_REGISTERED, "the App's message after the registration");
  return new AppCard(h.chip, pin);
}

/** POST /app/carta without a session (R-L3-2): the card's challenge and the WebAuthn creation options. */
export async function cardOnlyStart(ctx: CheckContext): Promise<CardChallenge & { registrationOptions: { challenge: string } }> {
  const started = expectChallenge(await appCall(ctx, 'POST', '/app/carta', { json: {} }), 'POST /app/carta without a session');
  if (!started.registrationOptions?.challenge) fail('POST /app/carta without a session gave no WebAuthn registrationOptions (R-L3-2)');
  return started as CardChallenge & { registrationOptions: { challenge: string } };
}

/** R-L3-2: the card certifies the device — no username, password or SMS; the App then holds the card. */
export async function certifyByCard(h: CardHolder, name = 'Telefono con la carta'): Promise<{ app: VirtualApp; card: AppCard }> {
  const ctx = h.citizen.ctx;
  const { flowId, challenge, registrationOptions } = await cardOnlyStart(ctx);
  const authenticator = await SoftwareAuthenticator.create();
  const response = await authenticator.register(registrationOptions);
  const pin = h.citizen.card.pin;
  const res = await appCall(ctx, 'POST', `/app/carta/${flowId}`, {
    json: { ...(await presentWithPin(h.chip, pin, challenge)), response, deviceName: name, notifications: true },
  });
  expectStatus(res, 201);
  const done = expectJson<{ message?: string; sessionToken?: unknown; deviceId?: unknown }>(res);
  expectEqual(done.message, CARD_REGISTERED, "the App's message after a registration that certified the device");
  const token = expectMatch(typeof done.sessionToken === 'string' ? done.sessionToken : null, /^\S{20,}$/, 'the device session token');
  const deviceId = expectMatch(typeof done.deviceId === 'string' ? done.deviceId : null, /^\S+$/, 'the deviceId');
  return { app: new VirtualApp(h.citizen, authenticator, token, deviceId, name), card: new AppCard(h.chip, pin) };
}

/** The level 3 approval the App is given for a deep link's or a QR code's content. */
export interface CardApproval {
  id: string;
  kind: 'card';
  challenge: string;
  rpName: string;
  level: number;
  attributes: string[];
  expiresAt: string;
}

/** POST /app/l3: the App presents the code it was given (the deep link's, or the QR code it scanned). */
export function presentCode(app: VirtualApp, content: string): Promise<HttpResponse> {
  return app.call('POST', '/app/l3', { content });
}

export async function cardApproval(app: VirtualApp, content: string): Promise<CardApproval> {
  const res = await presentCode(app, content);
  expectStatus(res, 201);
  const approval = expectJson<CardApproval>(res);
  expectEqual(approval.kind, 'card', "the approval's kind");
  expectEqual(approval.level, 3, "the approval's level");
  expectMatch(approval.challenge, /^[A-Za-z0-9_-]{43}$/, "the approval's challenge");
  return approval;
}

/** POST /app/l3/{id} with whatever the App sends: a presentation, or {pinBlocked: true}. */
export function sendCardAnswer(
  app: VirtualApp,
  approvalId: string,
  body: CardPresentation | { pinBlocked: true } | Record<string, unknown>,
): Promise<HttpResponse> {
  return app.call('POST', `/app/l3/${approvalId}`, body);
}

/**
 * The App's way to sign (R-L3-1): the last 4 PIN digits to the chip; a refusal of the chip is
 * returned as the chip gave it, and then nothing reaches the deployment.
 */
export async function signApproval(app: VirtualApp, card: AppCard, approval: CardApproval, lastFour: string): Promise<HttpResponse | CardRefusal> {
  const p = await card.unlockWithLastFour(lastFour, approval.challenge);
  return 'signature' in p ? sendCardAnswer(app, approval.id, p) : p;
}

/** The deep link "Apri l'applicazione CieID" (`cieid://autenticazione?codice=…`): its code. */
export function deepLinkCode(html: string): string {
  const href = /<a\b[^>]*\bid="apri-app"[^>]*\bhref="([^"]+)"/.exec(html)?.[1] ?? /<a\b[^>]*\bhref="(cieid:[^"]+)"/.exec(html)?.[1];
  if (!href) fail('no "Apri l\'applicazione CieID" link (cieid://) on the phone page');
  const url = new URL(href.replace(/&amp;/g, '&'));
  if (url.protocol !== 'cieid:') fail(`the App's link is not a cieid:// deep link: ${url.href}`);
  const code = url.searchParams.get('codice');
  if (!code) fail(`the deep link carries no "codice": ${url.href}`);
  return code;
}

// ——— certificates the deployment must refuse ———

/** A DER element: where it starts, where its content starts, where it ends. */
interface Tlv {
  start: number;
  content: number;
  end: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  const first = der[offset + 1]!;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const n = first & 0x7f;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[offset + 2 + i]!;
    header += n;
  }
  return { start: offset, content: offset + header, end: offset + header + length };
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/**
 * The genuine certificate's content — its serial, subject, key and even our CA's name as issuer —
 * signed by a key of someone else's: what a forger or another CA would present. Only the signature
 * tells it apart, so a deployment that accepts it does not check the chain.
 */
export function foreignCertificate(pem: string): string {
  const der = Buffer.from(new X509Certificate(pem).raw);
  const tbs = readTlv(der, readTlv(der, 0).content);
  const algorithm = readTlv(der, tbs.end);
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signature = sign('sha256', der.subarray(tbs.start, tbs.end), { key: privateKey, dsaEncoding: 'der' });
  const bitString = Buffer.concat([Buffer.from([0x03]), derLength(signature.length + 1), Buffer.from([0x00]), signature]);
  const content = Buffer.concat([der.subarray(tbs.start, tbs.end), der.subarray(algorithm.start, algorithm.end), bitString]);
  const forged = Buffer.concat([Buffer.from([0x30]), derLength(content.length), content]);
  const lines = forged
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`;
}

// ——— the smart-card reader (R-LOG-6) ———

/**
 * The header that stands for the TLS client authentication where no TLS reaches the Worker
 * (docs/level3.md, `l3-reader`): the PEM URL-encoded, as nginx forwards `$ssl_client_escaped_cert`.
 * A deployment honours it only with its test hooks on, and ignores it in production.
 */
export const READER_HEADER = 'X-CieID-Test-Client-Cert';

export const readerHeaders = (pem: string): Record<string, string> => ({ [READER_HEADER]: encodeURIComponent(pem) });

/**
 * Whether the deployment has its test hooks on, judged from outside as the outbox does: /__test
 * answers 404 when they are off. The reader's header is honoured only then.
 */
export async function testHooksOn(ctx: CheckContext): Promise<boolean> {
  const url = new URL('/__test/outbox', ctx.baseUrl);
  url.searchParams.set('to', '+390000000000');
  return (await ctx.http.request('GET', url)).status !== 404;
}

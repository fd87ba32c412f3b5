import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { cardObject } from '../../functions/platform/objects';
import { hashPassword } from '../../functions/platform/password-hash';
import { VirtualApp, api, expectStatus } from './app-client';
import { SoftwareAuthenticator } from './authenticator';
import { type CitizenData, newCitizen } from './citizens';
import { PASSWORD, env } from './login-client';
import { type CardPresentation, VirtualCard } from './virtual-card';
import { registry } from './worker';

/**
 * The App CieID with the card (R-L3-1, R-L3-2; docs/level3.md, "Flows"): a citizen whose card the
 * registry issued with its key and certificate, the chip as a program, and the App's calls to
 * register the card — on a device certified with password and SMS, or (R-L3-2) certified by the card.
 */
export interface CardCitizen {
  citizen: CitizenData;
  serial: string;
  pin: string;
  puk: string;
  certificate: string;
  cardKey: JsonWebKey;
  chip: VirtualCard;
  password: string;
}

/** As activation-client's issueCard: a repeated codice fiscale would supersede an earlier card of the file. */
const issuedCodes = new Set<string>();

/** A card issued with its key pair (the chip's contents); with level 1/2 credentials unless `credentials: false` (R-L3-2). */
export async function cardCitizen(options: { age?: number; credentials?: boolean } = {}): Promise<CardCitizen> {
  let citizen = newCitizen(options.age === undefined ? {} : { age: options.age });
  while (issuedCodes.has(citizen.fiscalCode)) citizen = newCitizen(options.age === undefined ? {} : { age: options.age });
  issuedCodes.add(citizen.fiscalCode);
  const res = await registry('/cards', citizen);
  if (res.status !== 201) throw new Error(`registry refused the card: ${res.status} ${await res.text()}`);
  const issued = (await res.json()) as { serial: string; pin: string; puk: string; certificate: string; cardKey: JsonWebKey };
  if (options.credentials !== false) {
    const done = await cardObject(env, issued.serial).activate({ passwordHash: await hashPassword(env.PEPPER!, PASSWORD), mode: 'sms', verifiedEmail: null });
    if (!done.ok) throw new Error(`card ${issued.serial} refused credentials: ${done.status}`);
  }
  const chip = await VirtualCard.load({ cardKey: issued.cardKey, certificate: issued.certificate, pin: issued.pin, puk: issued.puk });
  return { citizen, ...issued, chip, password: PASSWORD };
}

/** A presentation by the chip, unlocked by the right PIN; throws if the chip refuses. */
export async function present(c: CardCitizen, challenge: string): Promise<CardPresentation> {
  const p = await c.chip.presentation(c.pin, challenge);
  if (!('signature' in p)) throw new Error(`the chip refused: ${JSON.stringify(p)}`);
  return p;
}

/** POST /app/carta with a device session: the flow and the challenge to sign. */
export async function registrationChallenge(app: VirtualApp): Promise<{ flowId: string; challenge: string }> {
  const started = await expectStatus(await api('/app/carta', {}, app.token), 201);
  return { flowId: String(started.flowId), challenge: String(started.challenge) };
}

/** R-L3-1: a device certified with password and SMS registers the card. */
export async function registerCard(c: CardCitizen, app: VirtualApp): Promise<void> {
  const { flowId, challenge } = await registrationChallenge(app);
  await expectStatus(await api(`/app/carta/${flowId}`, await present(c, challenge), app.token), 200);
}

/** A certified device (password and SMS, R-APP-1) that holds the card (R-L3-1). */
export async function appWithCard(options: { age?: number } = {}): Promise<{ c: CardCitizen; app: VirtualApp }> {
  const c = await cardCitizen(options);
  const app = await VirtualApp.certify({ citizen: c.citizen, serial: c.serial, pin: c.pin, puk: c.puk, password: c.password });
  await registerCard(c, app);
  return { c, app };
}

/** The device of an R-L3-2 registration: its session token and id, and its key. */
export interface CardDevice {
  token: string;
  deviceId: string;
  authenticator: SoftwareAuthenticator;
}

/** POST /app/carta without a session: the flow, the card's challenge and the WebAuthn creation options. */
export async function cardOnlyStart(): Promise<{ flowId: string; challenge: string; options: { challenge: string } }> {
  const started = await expectStatus(await api('/app/carta', {}), 201);
  return { flowId: String(started.flowId), challenge: String(started.challenge), options: started.registrationOptions as { challenge: string } };
}

/** R-L3-2: the card certifies the device; no username, no password, no SMS. */
export async function certifyByCard(c: CardCitizen, name = 'Telefono con la carta'): Promise<CardDevice> {
  const { flowId, challenge, options } = await cardOnlyStart();
  const authenticator = await SoftwareAuthenticator.create();
  const response = await authenticator.register(options);
  const done = await expectStatus(
    await api(`/app/carta/${flowId}`, { ...(await present(c, challenge)), response, deviceName: name, notifications: true }),
    201,
  );
  return { token: String(done.sessionToken), deviceId: String(done.deviceId), authenticator };
}

/** A certificate for the card's own key, subject and serial, signed by a CA of someone else's that even carries our CA's name. */
export async function foreignCertificate(c: CardCitizen): Promise<string> {
  const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
  const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
  const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ours = new x509.X509Certificate(env.CARD_CA_CERT!);
  const genuine = new x509.X509Certificate(c.certificate);
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: c.cardKey.x, y: c.cardKey.y }, EC, true, ['verify']);
  const forged = await x509.X509CertificateGenerator.create({
    serialNumber: genuine.serialNumber,
    subject: genuine.subjectName,
    issuer: ours.subjectName,
    notBefore: genuine.notBefore,
    notAfter: genuine.notAfter,
    publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: ES256,
  });
  return forged.toString('pem');
}

import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { secretsOf } from '../env';
import { HttpError, badRequest, conflict, notFound } from '../core/errors';
import { parseCardRequest } from '../core/card-request';
import { expiryDate, parseIsoDate } from '../core/card-validity';
import { drawSerial, isSerial, normalizeSerial } from '../core/serial';
import { directoryFor } from '../platform/directory';
import { json, readJsonObject } from '../platform/http';
import { cardObject } from '../platform/objects';
import { randomInt } from '../platform/crypto';
import { cardCa, certificatePem, generateCardKey, importCardPublicKey, issueCardCertificate } from '../platform/card-ca';
import { drawCodes, printedCodes, sealCodes, unsealCodes } from './card-codes';
import { revokeIfOutOfService } from './crl';
import type { CardView } from '../../durable-objects/card';

const SERIAL_DRAWS = 8;

function secrets(env: Env) {
  const s = secretsOf(env);
  if (!s) throw new HttpError(503, 'temporarily_unavailable', 'Servizio non configurato');
  return s;
}

function serialParam(request: IRequest): string {
  const serial = normalizeSerial(String(request.params.serial ?? ''));
  if (!isSerial(serial)) throw notFound('Carta non trovata');
  return serial;
}

/** What the back office may see of a card: everything but its secrets. */
function publicView(view: CardView) {
  return {
    serial: view.serial,
    fiscalCode: view.fiscalCode,
    givenName: view.givenName,
    familyName: view.familyName,
    birthDate: view.birthDate,
    status: view.status,
    blockedReason: view.blockedReason,
    issuedAt: new Date(view.issuedAt).toISOString(),
    expiresAt: new Date(view.expiresAt).toISOString().slice(0, 10),
    pukFailures: view.pukFailures,
    credentials: view.credentials ? { activatedAt: new Date(view.credentials.activatedAt).toISOString(), mode: view.credentials.mode } : null,
    certificate: view.certificate ? certificatePem(view.certificate) : null,
  };
}

/**
 * The key the card's certificate certifies: the personalisation's (`publicKey`), or, when none is
 * given (development), a pair drawn here whose private half goes back once as `cardKey`, as the chip
 * would hold it. A key that passed core/card-request's shape checks but that WebCrypto cannot load
 * is refused before anything is claimed or issued.
 */
async function cardKeyFor(publicKey: JsonWebKey | null) {
  if (!publicKey) {
    const drawn = await generateCardKey();
    return { publicJwk: drawn.publicJwk, key: drawn.publicKey, cardKey: drawn.privateJwk };
  }
  const key = await importCardPublicKey(publicKey);
  if (!key) throw badRequest('Dati della carta non validi', [{ field: 'publicKey', message: 'chiave non utilizzabile' }]);
  return { publicJwk: publicKey, key, cardKey: null };
}

/**
 * POST /registry/cards — issues a card (R-CARD-1, R-CARD-2, R-CARD-5, R-CARD-6, R-CARD-7) and its
 * authentication certificate (R-LVL-3, docs/level3.md).
 */
export async function issueCard(request: IRequest, env: Env): Promise<Response> {
  const { dataKey } = secrets(env);
  // Without the CA no card can be issued whole: refused before a phone or a serial is taken.
  await cardCa(env);
  const now = new Date();
  const parsed = parseCardRequest(await readJsonObject(request), now);
  if (!parsed.ok) throw badRequest('Dati della carta non validi', parsed.problems);
  const card = parsed.value;
  const chip = await cardKeyFor(card.publicKey);
  const directory = directoryFor(env);

  if (!(await directory.claimPhone(card.phone, card.fiscalCode))) {
    throw conflict("Numero di cellulare già associato a un'altra identità digitale", [
      { field: 'phone', message: "già associato a un'altra identità (R-CARD-5)" },
    ]);
  }

  let serial: string | null = null;
  for (let i = 0; i < SERIAL_DRAWS && !serial; i++) {
    const candidate = drawSerial(randomInt);
    if (await directory.reserveSerial(candidate, card.fiscalCode)) serial = candidate;
  }
  if (!serial) throw new HttpError(503, 'temporarily_unavailable', 'Numero di serie non disponibile, riprovare');

  const codes = drawCodes();
  const expiresAt = expiryDate(now, parseIsoDate(card.birthDate)!);
  const certificate = await issueCardCertificate(env, {
    holder: card,
    serial,
    issuedAt: now.getTime(),
    expiresAt: expiresAt.getTime(),
    publicKey: chip.key,
  });
  await cardObject(env, serial).issue({
    ...card,
    publicKey: chip.publicJwk,
    serial,
    issuedAt: now.getTime(),
    expiresAt: expiresAt.getTime(),
    ...(await sealCodes(dataKey, serial, codes)),
    certificate: certificate.der,
    certificateFingerprint: certificate.fingerprint,
  });

  const previous = await directory.setCurrentCard(card.fiscalCode, serial);
  if (previous && previous !== serial) {
    const old = cardObject(env, previous);
    const oldView = await old.view();
    await old.supersede();
    if (oldView) {
      // R-CARD-7: the old card's certificate goes on the CRL with the card.
      await revokeIfOutOfService(env, { ...oldView, status: 'superseded' });
      if (oldView.phone !== card.phone) await directory.releasePhone(oldView.phone, card.fiscalCode);
    }
  }

  return json(
    {
      ...printedCodes(serial, codes),
      expiresAt: expiresAt.toISOString().slice(0, 10),
      certificate: certificate.pem,
      ...(chip.cardKey ? { cardKey: chip.cardKey } : {}),
    },
    201,
    { Location: `/registry/cards/${serial}` },
  );
}

export async function getCard(request: IRequest, env: Env): Promise<Response> {
  const view = await cardObject(env, serialParam(request)).view();
  if (!view) throw notFound('Carta non trovata');
  return json(publicView(view));
}

const BLOCK_REASONS = new Set(['lost', 'stolen']);

/** POST /registry/cards/{serial}/block — R-CARD-3: a lost or stolen card fails everything at once. */
export async function blockCard(request: IRequest, env: Env): Promise<Response> {
  const serial = serialParam(request);
  const body = await readJsonObject(request);
  if (typeof body.reason !== 'string' || !BLOCK_REASONS.has(body.reason)) {
    throw badRequest('Motivo del blocco non valido', [{ field: 'reason', message: 'uno tra: lost, stolen' }]);
  }
  const view = await cardObject(env, serial).block(body.reason);
  if (!view) throw notFound('Carta non trovata');
  // R-CARD-3: a blocked card's certificate goes on the CRL (a card blocked for good already, R-PUK-3, stays listed).
  await revokeIfOutOfService(env, view);
  return json(publicView(view));
}

/** POST /registry/cards/{serial}/codes — R-CARD-6: the same PIN and PUK, printed again. */
export async function reprintCodes(request: IRequest, env: Env): Promise<Response> {
  const { dataKey } = secrets(env);
  const serial = serialParam(request);
  const sealed = await cardObject(env, serial).sealedCodes();
  if (!sealed) throw notFound('Carta non trovata');
  return json(printedCodes(serial, await unsealCodes(dataKey, serial, sealed)));
}

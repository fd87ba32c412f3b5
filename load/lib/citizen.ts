import { sleep } from 'k6';
import { registryToken } from './config.ts';
import { Browser, jsonReq, type Response } from './http.ts';
import { labelled } from './pages.ts';
import { awaitCode, open, press } from './page-steps.ts';
import { fiscalCode } from './fiscal-code.ts';
import { expect, fail, runLockstep, type Flow } from './steps.ts';

/**
 * Citizens for the load tests, made the way real ones are: the registry issues a card (POST
 * /registry/cards), then the citizen activates credentials on the /attivazione pages (PUK digits,
 * SMS code from the test outbox, a password, SMS as the level 2 mode).
 *
 * API:
 * - `Person`: what the registry is told; `newPerson()`: a random adult born in Roma, with a
 *   codice fiscale that agrees with the names and the birth date and a phone of their own (R-CARD-5).
 * - `Card`: what the registry answers (serial, PIN, PUK and their printed halves).
 * - `Identity`: an activated citizen, plain JSON (setup data): person, serial, password.
 * - `issueCard(person)`: flow (steps.ts) → Card; a phone already taken is drawn again.
 * - `activate(person, card)`: flow → Identity, through the pages.
 * - `newIdentity()`: flow → Identity, both of the above.
 * - `activateCitizens(count, { parallel })`: setup helper: `count` identities, `parallel` citizens
 *   in lock step (one http.batch per round), up to three passes for the ones that failed; throws
 *   when the pool still falls short.
 * - `PASSWORD`: the password every load-test citizen chooses (R-ACT-5).
 */
export interface Person {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
}

export interface Card {
  serial: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
}

export interface Identity {
  fiscalCode: string;
  phone: string;
  serial: string;
  password: string;
}

/** 10–20 characters, upper, lower, digit, symbol, no three alike in a row (R-ACT-5). */
export const PASSWORD = 'Girasole#2024x';

const CONSONANTS = 'BCDFGLMNPRSTVZ';
const VOWELS = 'AEIOU';
const pick = (alphabet: string) => alphabet[Math.floor(Math.random() * alphabet.length)]!;
const syllables = (n: number) => Array.from({ length: n }, () => `${pick(CONSONANTS)}${pick(VOWELS)}`.toLowerCase()).join('');
const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/** A date `years` (20–70) and some days ago, always a real day. */
function birthDate(): string {
  const now = new Date();
  const d = new Date(
    Date.UTC(now.getUTCFullYear() - 20 - Math.floor(Math.random() * 50), now.getUTCMonth(), now.getUTCDate() - Math.floor(Math.random() * 360)),
  );
  return d.toISOString().slice(0, 10);
}

const randomPhone = () => `+393${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

export function newPerson(): Person {
  const sex = Math.random() < 0.5 ? 'M' : 'F';
  const givenName = capital(syllables(3));
  const familyName = capital(syllables(4));
  const born = birthDate();
  return { fiscalCode: fiscalCode({ givenName, familyName, birthDate: born, sex }), givenName, familyName, birthDate: born, phone: randomPhone() };
}

const PHONE_DRAWS = 3;

export function* issueCard(person: Person): Flow<Card> {
  const auth = { Authorization: `Bearer ${registryToken()}` };
  for (let draw = 0; ; draw++) {
    const res: Response = yield jsonReq('/registry/cards', person, 'registry', auth);
    // R-CARD-5: a random number someone already has — another one will do.
    if (res.status === 409 && draw < PHONE_DRAWS && res.body.includes('phone')) {
      person.phone = randomPhone();
      continue;
    }
    expect(res, 'registry issues the card', (r) => r.status === 201);
    return JSON.parse(res.body) as Card;
  }
}

const onPage = (heading: string) => (r: Response) => r.status === 200 && r.body.includes(heading);

/** Steps 1.1 → 4 (docs/activation-pages.md): SMS as the level 2 mode, no email. */
export function* activate(person: Person, card: Card, password = PASSWORD): Flow<Identity> {
  const browser = new Browser();
  let page = yield* open(browser, '/attivazione', 'activation_page', 'activation_page');
  expect(page, 'activation: 1.1 data page', onPage('1.1 Inserisci i dati della tua CIE'));

  page = yield* press(browser, page, 'Continua', { fiscalCode: person.fiscalCode, serial: card.serial }, 'activation_dati', 'activation_page');
  expect(page, 'activation: 1.2 PUK page', onPage('1.2 Inserisci codice PUK'));

  // The page asks for two digits of the PUK's first half (the receipt), at positions it draws.
  const digits: Record<string, string> = {};
  for (const { name, match } of labelled(page.body, /^(\d)° cifra del PUK$/)) digits[name] = card.receipt.pukFirstHalf[Number(match[1]) - 1]!;
  if (Object.keys(digits).length !== 2) fail('activation: PUK positions', `not found on ${page.url}`);
  page = yield* press(browser, page, 'Continua', digits, 'activation_puk', 'activation_page');
  expect(page, 'activation: 2.1 phone page', onPage('2.1 Verifica Numero Cellulare'));

  // A new card's phone has received nothing yet (a number held by another identity is refused at issue).
  page = yield* press(browser, page, 'Continua', {}, 'activation_cellulare', 'activation_page');
  expect(page, 'activation: SMS code page', (r) => onPage('2.1 Verifica Numero Cellulare')(r) && r.body.includes('name="otp"'));
  const code = yield* awaitCode(person.phone, 0);

  page = yield* press(browser, page, 'Continua', { otp: code }, 'activation_otp_sms', 'activation_page');
  expect(page, 'activation: 2.2 email page', onPage('2.2 Verifica Indirizzo E-mail'));

  page = yield* press(browser, page, 'Non adesso', {}, 'activation_non_adesso', 'activation_page');
  expect(page, 'activation: 2.3 password page', onPage('2.3 Crea Credenziali'));

  page = yield* press(browser, page, 'Continua', { password, passwordConfirm: password, gdpr: '1' }, 'activation_password', 'activation_page');
  expect(page, 'activation: 3 mode page', onPage('Scegli come autorizzare i tuoi accessi online'));

  page = yield* press(browser, page, 'Scegli SMS', {}, 'activation_configura', 'activation_page');
  expect(page, 'activation: 4 summary', onPage('Credenziali attivate'));
  return { fiscalCode: person.fiscalCode, phone: person.phone, serial: card.serial, password };
}

export function* newIdentity(): Flow<Identity> {
  const person = newPerson();
  const card = yield* issueCard(person);
  return yield* activate(person, card);
}

const PASSES = 3;

export function activateCitizens(count: number, { parallel = 20 } = {}): Identity[] {
  const identities: Identity[] = [];
  const errors: string[] = [];
  for (let pass = 0; pass < PASSES && identities.length < count; pass++) {
    while (identities.length < count) {
      const missing = count - identities.length;
      const before = identities.length;
      const outcomes = runLockstep(Array.from({ length: Math.min(parallel, missing) }, () => newIdentity()));
      for (const outcome of outcomes) {
        if (outcome.ok) identities.push(outcome.value);
        else errors.push(outcome.error);
      }
      // A round where nothing worked ends this pass: the next one starts after a breath.
      if (identities.length === before) {
        sleep(1);
        break;
      }
    }
  }
  if (identities.length < count) {
    throw new Error(`only ${identities.length} of ${count} citizens could be activated; first errors:\n${errors.slice(0, 3).join('\n')}`);
  }
  return identities;
}

import { CheckFailure, type CheckContext } from '../core/check.ts';
import { ACTIVATION_ENTRY, BUTTON, HEADING, LABEL, PUK_DIGIT_LABEL } from './activation-pages.ts';
import { Browser, type FieldValues } from './browser.ts';
import { CodiceFiscale } from './codice-fiscale.ts';
import type { Page } from './html-page.ts';
import { Mailbox } from './mailbox.ts';
import { Phone } from './phone.ts';
import { randomLabel } from './random.ts';
import { Registry, type CardRequest, type IssuedCard } from './registry.ts';

/** R-ACT-5: 10–20 characters, upper, lower, digit, symbol, no three equal in a row. */
export const GOOD_PASSWORD = 'Girasole#2024x';

const CONSONANTS = 'bcdfglmnprstvz';
const pick = (n: number) => Array.from({ length: n }, () => CONSONANTS[Math.floor(Math.random() * CONSONANTS.length)]).join('');

/**
 * A birth date exactly `years` ago give or take some weeks (never across a birthday, whatever the
 * time zone), spread over the year so codici fiscali rarely repeat.
 */
function birthDateForAge(years: number): string {
  const now = new Date();
  const days = 20 + Math.floor(Math.random() * 300);
  return new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth(), now.getUTCDate() - days)).toISOString().slice(0, 10);
}

/** Random names and a birth date give a valid codice fiscale that agrees with it, as the registry demands. */
export function newCardRequest(options: { age?: number; email?: string } = {}): CardRequest {
  const birthDate = birthDateForAge(options.age ?? 40);
  const [year, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const givenName = `Ma${pick(3)}o`;
  const familyName = `Ro${pick(4)}i`;
  const fiscalCode = CodiceFiscale.compute({
    name: givenName,
    surname: familyName,
    gender: 'M',
    day,
    month,
    year,
    birthplace: 'Roma',
    birthplaceProvincia: 'RM',
  });
  // One number per identity (R-CARD-5): nine random digits after +393.
  const phone = `+393${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  return { fiscalCode, givenName, familyName, birthDate, phone, ...(options.email ? { email: options.email } : {}) };
}

export const uniqueEmail = (hint = 'cittadino') => `${hint}.${randomLabel(12)}@example.it`;

export type ActivationStop = 'dati' | 'puk' | 'cellulare' | 'otp-sms' | 'email' | 'otp-email' | 'password' | 'configura' | 'riepilogo';
const ORDER: ActivationStop[] = ['dati', 'puk', 'cellulare', 'otp-sms', 'email', 'otp-email', 'password', 'configura', 'riepilogo'];

export interface ActivationOptions {
  /** Verify this address at step 2.2; without it the citizen chooses "Non adesso". */
  email?: string;
  mode?: 'app' | 'sms';
  password?: string;
  browser?: Browser;
}

/**
 * A card holder: the card the registry issued (receipt and letter), the phone and mailbox that
 * receive codes, and the password they choose. They activate credentials the way a person does,
 * through the pages, by what the pages say.
 */
export class Citizen {
  readonly ctx: CheckContext;
  readonly data: CardRequest;
  readonly card: IssuedCard;
  readonly phone: Phone;
  password = GOOD_PASSWORD;
  /** The address verified at the last activation, a username too (R-ACT-7). */
  verifiedEmail: string | null = null;

  constructor(ctx: CheckContext, data: CardRequest, card: IssuedCard) {
    this.ctx = ctx;
    this.data = data;
    this.card = card;
    this.phone = new Phone(ctx, data.phone);
  }

  /** A new card from the registry, for a holder of `age` (default 40). */
  static async issue(ctx: CheckContext, options: { age?: number; email?: string } = {}): Promise<Citizen> {
    const data = newCardRequest(options);
    return new Citizen(ctx, data, await new Registry(ctx).issueCard(data));
  }

  /** A holder whose level 1/2 credentials are active (SMS mode unless told). */
  static async withCredentials(ctx: CheckContext, options: { age?: number; email?: string } & ActivationOptions = {}): Promise<Citizen> {
    const citizen = await Citizen.issue(ctx, options.age === undefined ? {} : { age: options.age });
    await citizen.activate(options);
    return citizen;
  }

  get fiscalCode(): string {
    return this.data.fiscalCode;
  }

  get serial(): string {
    return this.card.serial;
  }

  /** Only the receipt's half is needed to activate (R-ACT-1: before the card is delivered). */
  get pukFirstHalf(): string {
    return this.card.receipt.pukFirstHalf;
  }

  mailbox(address: string): Mailbox {
    return new Mailbox(this.ctx, address);
  }

  /** The two digits the PUK page asks for, read from its labels; `wrong` changes the first one. */
  pukDigits(page: Page, wrong = false): FieldValues {
    const asked = page.labels().filter((l) => PUK_DIGIT_LABEL.test(l));
    if (asked.length !== 2) throw new CheckFailure(`expected two "N° cifra del PUK" fields on ${page.describe()}, found ${asked.length}`);
    const values: FieldValues = {};
    asked.forEach((label, i) => {
      const digit = Number(this.pukFirstHalf[Number(PUK_DIGIT_LABEL.exec(label)![1]) - 1]);
      values[label] = String(wrong && i === 0 ? (digit + 1) % 10 : digit);
    });
    return values;
  }

  /** `count` wrong answers on the PUK page (R-ACT-2, R-PUK-3); returns the page after the last. */
  async wrongPukAnswers(browser: Browser, page: Page, count: number, onEach?: (page: Page, n: number) => void): Promise<Page> {
    let current = page;
    for (let n = 1; n <= count; n++) {
      current = await browser.submit(current, BUTTON.next, this.pukDigits(current, true));
      onEach?.(current, n);
    }
    return current;
  }

  /**
   * Walks the activation pages from the start, stopping on `stop`; each page must be the one the
   * contract says comes next, or the check fails naming the page that came instead.
   */
  async activation(stop: ActivationStop, options: ActivationOptions = {}): Promise<{ browser: Browser; page: Page }> {
    const browser = options.browser ?? new Browser(this.ctx);
    const done = (step: ActivationStop) => ORDER.indexOf(stop) <= ORDER.indexOf(step);
    let page = expectHeading(await browser.open(ACTIVATION_ENTRY), HEADING.dati);
    if (done('dati')) return { browser, page };
    page = expectHeading(await browser.submit(page, BUTTON.next, { [LABEL.fiscalCode]: this.fiscalCode, [LABEL.serial]: this.serial }), HEADING.puk);
    if (done('puk')) return { browser, page };
    page = expectHeading(await browser.submit(page, BUTTON.next, this.pukDigits(page)), HEADING.cellulare);
    if (done('cellulare')) return { browser, page };
    const sent = await this.phone.count();
    page = expectHeading(await browser.submit(page, BUTTON.next), HEADING.cellulare);
    if (!page.hasField(LABEL.otp)) throw new CheckFailure(`after "Continua" at 2.1 expected the SMS code field "${LABEL.otp}" on ${page.describe()}`);
    if (done('otp-sms')) return { browser, page };
    page = expectHeading(await browser.submit(page, BUTTON.next, { [LABEL.otp]: await this.phone.latestCode(sent) }), HEADING.email);
    if (done('email')) return { browser, page };
    if (options.email) {
      const mailbox = this.mailbox(options.email);
      const before = await mailbox.count();
      page = expectHeading(await browser.submit(page, BUTTON.sendEmail, { [LABEL.email]: options.email }), HEADING.email);
      if (done('otp-email')) return { browser, page };
      page = expectHeading(await browser.submit(page, BUTTON.next, { [LABEL.otp]: await mailbox.latestCode(before) }), HEADING.password);
    } else {
      if (stop === 'otp-email') throw new CheckFailure('the email code step needs an email to verify');
      page = expectHeading(await browser.submit(page, BUTTON.notNow), HEADING.password);
    }
    if (done('password')) return { browser, page };
    const password = options.password ?? this.password;
    page = expectHeading(
      await browser.submit(page, BUTTON.next, { [LABEL.password]: password, [LABEL.passwordConfirm]: password, [LABEL.gdpr]: true }),
      HEADING.configura,
    );
    if (done('configura')) return { browser, page };
    page = expectHeading(await browser.submit(page, options.mode === 'app' ? BUTTON.chooseApp : BUTTON.chooseSms), HEADING.riepilogo);
    this.password = password;
    this.verifiedEmail = options.email ?? null;
    return { browser, page };
  }

  /** Steps 1.1 → 4: returns the summary page. */
  async activate(options: ActivationOptions = {}): Promise<Page> {
    return (await this.activation('riepilogo', options)).page;
  }
}

export function expectHeading(page: Page, heading: string): Page {
  if (page.heading !== heading) throw new CheckFailure(`expected the page "${heading}", got ${page.describe()}`);
  return page;
}

import { ORIGIN, call, registry } from './worker';
import { newCitizen, type CitizenData } from './citizens';

/**
 * A very small browser for the server-rendered pages: a cookie jar, a form reader that finds fields
 * by their `<label for>` text and buttons by their text (as docs/activation-pages.md promises), and
 * 303 redirects followed with a GET. It reads only the markup our own templates produce.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#96;': '`' };
export const unescapeHtml = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39|#96);/g, (e) => ENTITIES[e]!);

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = tag.replace(/^<\s*[\w-]+/, '').replace(/\/?>$/, '');
  for (const m of body.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)) out[m[1]!.toLowerCase()] = unescapeHtml(m[2] ?? '');
  return out;
}

const textOf = (fragment: string) =>
  unescapeHtml(fragment.replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

export interface Field {
  name: string;
  id: string | null;
  type: string;
  value: string;
  checked: boolean;
  label: string | null;
}

export interface Button {
  text: string;
  formaction: string | null;
}

export interface Form {
  action: string;
  fields: Field[];
  buttons: Button[];
}

export class Page {
  constructor(
    readonly status: number,
    readonly html: string,
    readonly headers: Headers,
    /** The status of the POST that led here, when it redirected. */
    readonly postStatus: number | null = null,
  ) {}

  /** The page's visible text, one line. */
  get text(): string {
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(this.html)?.[1] ?? this.html;
    return textOf(main);
  }

  get heading(): string {
    return textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(this.html)?.[1] ?? '');
  }

  /** The contract's error box, or null. */
  get alert(): string | null {
    const m = /<div class="alert alert-danger" role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(this.html);
    return m ? textOf(m[1]!) : null;
  }

  get currentStage(): string | null {
    const m = /<li[^>]*aria-current="step"[^>]*>([\s\S]*?)<\/li>/.exec(this.html);
    return m ? textOf(m[1]!) : null;
  }

  get forms(): Form[] {
    const labels = new Map<string, string>();
    for (const m of this.html.matchAll(/<label([^>]*)>([\s\S]*?)<\/label>/g)) {
      const forId = attributes(`<label${m[1]}>`).for;
      if (forId) labels.set(forId, textOf(m[2]!));
    }
    const forms: Form[] = [];
    for (const m of this.html.matchAll(/(<form[^>]*>)([\s\S]*?)<\/form>/g)) {
      const fields: Field[] = [];
      for (const t of m[2]!.matchAll(/<input[^>]*>/g)) {
        const a = attributes(t[0]);
        if (!a.name) continue;
        fields.push({
          name: a.name,
          id: a.id ?? null,
          type: a.type ?? 'text',
          value: a.value ?? '',
          checked: 'checked' in a,
          label: a.id ? (labels.get(a.id) ?? null) : null,
        });
      }
      const buttons = [...m[2]!.matchAll(/(<button[^>]*>)([\s\S]*?)<\/button>/g)].map((b) => ({
        text: textOf(b[2]!),
        formaction: attributes(b[1]!).formaction ?? null,
      }));
      forms.push({ action: attributes(m[1]!).action ?? '', fields, buttons });
    }
    return forms;
  }

  field(label: string): Field {
    const found = this.forms.flatMap((f) => f.fields).find((f) => f.label === label);
    if (!found) throw new Error(`no field labelled "${label}" on the page "${this.heading}"`);
    return found;
  }

  hasButton(text: string): boolean {
    return this.forms.some((f) => f.buttons.some((b) => b.text === text));
  }

  /** The hidden CSRF token of the first form. */
  get csrf(): string {
    const f = this.forms[0]?.fields.find((x) => x.name === 'csrf');
    if (!f) throw new Error('no csrf field on the page');
    return f.value;
  }
}

export type FieldValues = Record<string, string | boolean>;

export interface SubmitOptions {
  /** Raw name → value overrides applied last (to forge or drop fields). */
  raw?: Record<string, string | null>;
  headers?: Record<string, string>;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('Cookie')) headers.set('Cookie', this.cookieHeader());
    const res = await call(path, { ...init, headers });
    this.remember(res);
    return res;
  }

  async open(path = '/attivazione'): Promise<Page> {
    const res = await this.fetch(path);
    return new Page(res.status, await res.text(), res.headers);
  }

  /** A form post as a browser makes it (same Origin), following a 303 like a browser. */
  async post(path: string, body: URLSearchParams | string, headers: Record<string, string> = {}): Promise<Page> {
    const res = await this.fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, ...headers },
      body: typeof body === 'string' ? body : body.toString(),
    });
    if (res.status === 303) {
      const location = res.headers.get('Location')!;
      await res.body?.cancel();
      const next = await this.open(location);
      return new Page(next.status, next.html, next.headers, 303);
    }
    return new Page(res.status, await res.text(), res.headers, res.status);
  }

  /**
   * Fills fields by label (text fields get the string; checkboxes and radios are ticked by `true`)
   * and presses the button with the given text, in the form that holds it.
   */
  async submit(page: Page, button: string, values: FieldValues = {}, options: SubmitOptions = {}): Promise<Page> {
    const form = page.forms.find((f) => f.buttons.some((b) => b.text === button));
    if (!form) throw new Error(`no button "${button}" on the page "${page.heading}" (${page.status})`);
    const fields = form.fields.map((f) => ({ ...f }));
    for (const [label, value] of Object.entries(values)) {
      const target = fields.find((f) => f.label === label);
      if (!target) throw new Error(`no field labelled "${label}" in the form of "${button}"`);
      if (target.type === 'radio') {
        for (const f of fields) if (f.name === target.name) f.checked = false;
        target.checked = value === true;
      } else if (target.type === 'checkbox') {
        target.checked = value === true;
      } else {
        target.value = String(value);
      }
    }
    const body = new URLSearchParams();
    for (const f of fields) {
      if ((f.type === 'checkbox' || f.type === 'radio') && !f.checked) continue;
      body.set(f.name, f.value);
    }
    for (const [name, value] of Object.entries(options.raw ?? {})) {
      if (value === null) body.delete(name);
      else body.set(name, value);
    }
    const b = form.buttons.find((x) => x.text === button)!;
    return this.post(b.formaction ?? form.action, body, options.headers);
  }
}

/** The newest one-time code sent to a phone or an address (development outbox). */
export async function latestCode(to: string): Promise<string> {
  const res = await call(`/__test/outbox?to=${encodeURIComponent(to)}`);
  const messages = (await res.json()) as { code: string | null; text: string; channel: string }[];
  const code = messages[0]?.code;
  if (!code) throw new Error(`no code sent to ${to}`);
  return code;
}

export async function outboxCount(to: string): Promise<number> {
  const res = await call(`/__test/outbox?to=${encodeURIComponent(to)}`);
  return ((await res.json()) as unknown[]).length;
}

export interface IssuedCard {
  citizen: CitizenData;
  serial: string;
  puk: string;
  pin: string;
}

/**
 * Random test names give only some 50,000 codici fiscali per birth date; a repeat would make the
 * registry supersede an earlier card of the same file, so the helper never issues one twice.
 */
const issuedCodes = new Set<string>();

export async function issueCard(options: { age?: number; email?: string } = {}): Promise<IssuedCard> {
  let citizen = newCitizen(options);
  while (issuedCodes.has(citizen.fiscalCode)) citizen = newCitizen(options);
  issuedCodes.add(citizen.fiscalCode);
  const res = await registry('/cards', citizen);
  if (res.status !== 201) throw new Error(`registry refused the card: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { serial: string; puk: string; pin: string };
  return { citizen, serial: body.serial, puk: body.puk, pin: body.pin };
}

/** The two positions the PUK page asks for, read from its field labels ("2° cifra del PUK"). */
export function askedPositions(page: Page): [number, number] {
  const a = /^(\d)° cifra del PUK$/.exec(page.forms.flatMap((f) => f.fields).find((f) => f.name === 'pukDigitA')?.label ?? '');
  const b = /^(\d)° cifra del PUK$/.exec(page.forms.flatMap((f) => f.fields).find((f) => f.name === 'pukDigitB')?.label ?? '');
  if (!a || !b) throw new Error(`not a PUK page: "${page.heading}"`);
  return [Number(a[1]), Number(b[1])];
}

/** Right digits of the PUK's first half for the page's positions; `wrong` shifts the first one. */
export function pukDigits(page: Page, puk: string, wrong = false): FieldValues {
  const [a, b] = askedPositions(page);
  const digitA = wrong ? String((Number(puk[a - 1]) + 1) % 10) : puk[a - 1]!;
  return { [`${a}° cifra del PUK`]: digitA, [`${b}° cifra del PUK`]: puk[b - 1]! };
}

export const GOOD_PASSWORD = 'Girasole#2024x';
export const GDPR =
  "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)";

/** Walks a browser through the steps, stopping on the named one. */
export type Stop = 'puk' | 'cellulare' | 'otp-sms' | 'email' | 'otp-email' | 'password' | 'configura' | 'riepilogo';
const ORDER: Stop[] = ['puk', 'cellulare', 'otp-sms', 'email', 'otp-email', 'password', 'configura', 'riepilogo'];

export interface WalkOptions {
  email?: string | null;
  password?: string;
  mode?: 'app' | 'sms';
  browser?: Browser;
}

export async function walkTo(card: IssuedCard, stop: Stop, options: WalkOptions = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = options.browser ?? new Browser();
  const reached = (s: Stop) => ORDER.indexOf(stop) <= ORDER.indexOf(s);
  const expect = (page: Page, heading: string) => {
    if (page.heading !== heading) throw new Error(`expected "${heading}", got ${page.status} "${page.heading}": ${page.alert ?? page.text.slice(0, 300)}`);
    return page;
  };
  let page = expect(await browser.open(), '1.1 Inserisci i dati della tua CIE');
  page = expect(
    await browser.submit(page, 'Continua', { 'Codice Fiscale': card.citizen.fiscalCode, 'Numero di serie': card.serial }),
    '1.2 Inserisci codice PUK',
  );
  if (reached('puk')) return { browser, page };
  page = expect(await browser.submit(page, 'Continua', pukDigits(page, card.puk)), '2.1 Verifica Numero Cellulare');
  if (reached('cellulare')) return { browser, page };
  page = expect(await browser.submit(page, 'Continua'), '2.1 Verifica Numero Cellulare');
  if (reached('otp-sms')) return { browser, page };
  page = expect(await browser.submit(page, 'Continua', { 'Codice di verifica OTP': await latestCode(card.citizen.phone) }), '2.2 Verifica Indirizzo E-mail');
  if (reached('email')) return { browser, page };
  const email = options.email ?? null;
  if (email) {
    page = expect(await browser.submit(page, 'Invia codice', { 'Indirizzo email': email }), '2.2 Verifica Indirizzo E-mail');
    if (reached('otp-email')) return { browser, page };
    page = expect(await browser.submit(page, 'Continua', { 'Codice di verifica OTP': await latestCode(email) }), '2.3 Crea Credenziali');
  } else {
    if (stop === 'otp-email') throw new Error('otp-email needs an email');
    page = expect(await browser.submit(page, 'Non adesso'), '2.3 Crea Credenziali');
  }
  if (reached('password')) return { browser, page };
  const password = options.password ?? GOOD_PASSWORD;
  page = expect(
    await browser.submit(page, 'Continua', { 'Scegli Password': password, 'Conferma Password': password, [GDPR]: true }),
    'Scegli come autorizzare i tuoi accessi online',
  );
  if (reached('configura')) return { browser, page };
  page = expect(await browser.submit(page, options.mode === 'app' ? 'Scegli App CieID' : 'Scegli SMS'), 'Credenziali attivate');
  return { browser, page };
}

/** The flow id the browser holds (the cookie is unprefixed on loopback http). */
export function flowIdOf(browser: Browser): string {
  const id = browser.cookies.get('cie_act');
  if (!id) throw new Error('no flow cookie');
  return id;
}

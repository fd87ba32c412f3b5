import { latestCode } from './activation-client';
import { Browser, type Page } from './activation-client';
import { ORIGIN } from './worker';
import { OTP_LABEL, USERNAME_LABEL } from './login-client';

/**
 * A citizen's browser at the demo RP (/demo): the OP's redirects carry absolute URLs on our own
 * origin (the demo sends the browser to the discovered authorization_endpoint, the OP back to the
 * registered redirect_uri), which this browser follows like relative ones.
 */
export class DemoBrowser extends Browser {
  override open(path = '/demo'): Promise<Page> {
    return super.open(path.startsWith(ORIGIN) ? path.slice(ORIGIN.length) : path);
  }

  /** Follows 302/303 answers with GETs until a page. */
  async settle(page: Page): Promise<Page> {
    let current = page;
    for (let hops = 0; (current.status === 302 || current.status === 303) && hops < 5; hops++) {
      current = await this.open(current.headers.get('Location')!);
    }
    return current;
  }
}

export interface DemoChoice {
  level?: 1 | 2;
  email?: boolean;
  profile?: boolean;
}

const LEVEL_LABEL = { 1: 'Livello 1 — password', 2: 'Livello 2 — password e codice SMS' } as const;
const PROFILE_LABEL = 'Dati anagrafici (nome, cognome, data di nascita, codice fiscale)';
const EMAIL_LABEL = 'Email';

/** The form post behind "Entra con CIE" with the choices made, its answer unfollowed (the 303 to the OP). */
export async function sendDemoStart(browser: DemoBrowser, choice: DemoChoice = {}): Promise<Response> {
  const start = await browser.open('/demo');
  if (!start.hasButton('Entra con CIE')) throw new Error(`no "Entra con CIE" on /demo (${start.status})`);
  const level = start.field(LEVEL_LABEL[choice.level ?? 2]);
  const body = new URLSearchParams({ [level.name]: level.value });
  if (choice.profile ?? true) body.set(start.field(PROFILE_LABEL).name, start.field(PROFILE_LABEL).value);
  if (choice.email) body.set(start.field(EMAIL_LABEL).name, start.field(EMAIL_LABEL).value);
  return browser.fetch('/demo/entra', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
    body: body.toString(),
  });
}

/** From /demo to the OP's credentials page. */
export async function startDemoLogin(browser: DemoBrowser, choice: DemoChoice = {}): Promise<Page> {
  const sent = await sendDemoStart(browser, choice);
  if (sent.status !== 303) throw new Error(`/demo/entra answered ${sent.status}: ${(await sent.text()).slice(0, 300)}`);
  return browser.settle(await browser.open(sent.headers.get('Location')!));
}

/** Password, the SMS code at level 2, then the consent page. */
export async function signInToConsent(browser: DemoBrowser, page: Page, username: string, password: string, phone: string): Promise<Page> {
  let current = await browser.submit(page, 'Procedi', { [USERNAME_LABEL]: username, Password: password });
  if (current.forms.some((f) => f.fields.some((x) => x.name === 'otp'))) {
    current = await browser.submit(current, 'Prosegui', { [OTP_LABEL]: await latestCode(phone) });
  }
  return current;
}

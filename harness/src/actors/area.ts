import { CheckFailure } from '../core/check.ts';
import { Browser } from './browser.ts';
import type { Citizen } from './citizen.ts';
import type { Page } from './html-page.ts';
import { signIn, typeSmsCode } from './login.ts';
import { BUTTON, LABEL, TEXT } from './login-pages.ts';

/**
 * A citizen in the personal area (docs/account.md): entered with CieID itself — "Accedi" runs a
 * level 2 login in which the service is its own relying party, on the same pages every RP gets —
 * then found on the pages by their words.
 */
export const AREA = {
  landing: '/area-personale',
  landingHeading: 'Accedi all’area personale',
  homeHeading: 'Area personale',
  login: 'Accedi',
  logout: 'Esci',
  loggedOut: 'Sei uscito dall’area personale',
  profile: 'Gestione CieID',
  changePassword: 'Modifica Password',
  password: { current: 'Password attuale', next: 'Nuova password', confirm: 'Conferma nuova password' },
  email: 'Nuovo indirizzo email',
  sendCode: 'Invia codice',
  confirm: 'Conferma',
} as const;

export interface InArea {
  browser: Browser;
  home: Page;
}

/** Accedi → the login pages (password, SMS code) → consent → the area's Home; the check fails naming what came instead. */
export async function enterArea(citizen: Citizen, browser = new Browser(citizen.ctx), password = citizen.password): Promise<InArea> {
  const landing = await browser.open(AREA.landing);
  if (landing.heading !== AREA.landingHeading) throw new CheckFailure(`expected the area's landing page, got ${landing.describe()}`);
  const credentials = await browser.open(landing.link(AREA.login));
  if (!credentials.hasField(LABEL.password)) throw new CheckFailure(`"${AREA.login}" did not open the login page: ${credentials.describe()}`);
  const sent = await citizen.phone.count();
  let page = await signIn(browser, credentials, citizen.fiscalCode, password);
  page = await typeSmsCode(browser, page, citizen, sent);
  if (!page.text.includes(TEXT.consentTo)) throw new CheckFailure(`expected the consent page, got ${page.describe()}`);
  const home = await browser.submit(page, BUTTON.proceed);
  if (home.status !== 200 || home.heading !== AREA.homeHeading) throw new CheckFailure(`expected the area's Home after the login, got ${home.describe()}`);
  return { browser, home };
}

/** "Gestione CieID" from the menu. */
export async function openProfile(area: InArea): Promise<Page> {
  const page = await area.browser.open(area.home.link(AREA.profile));
  if (page.heading !== AREA.profile) throw new CheckFailure(`expected "${AREA.profile}", got ${page.describe()}`);
  return page;
}

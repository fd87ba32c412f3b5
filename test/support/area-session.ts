import { Browser, Page, latestCode } from './activation-client';
import { OTP_LABEL, type Holder, USERNAME_LABEL } from './login-client';
import { ORIGIN } from './worker';

/**
 * A citizen in the personal area, logged in as a citizen does it: "Accedi" → /oidc/authorize at level 2
 * (the area is its own relying party) → the login pages (password, SMS code, consent) → the area's
 * callback, which sets the session cookie. The holder must be in SMS mode.
 */
export interface AreaBrowser {
  browser: Browser;
  /** The page the login lands on (the area's Home). */
  home: Page;
}

const pathOf = (location: string) => {
  const url = new URL(location, ORIGIN);
  if (url.origin !== ORIGIN) throw new Error(`redirect off the service: ${location}`);
  return `${url.pathname}${url.search}`;
};

/** Follows redirects as a browser would, from a response already fetched. */
async function follow(browser: Browser, res: Response): Promise<Page> {
  let current = res;
  for (let hops = 0; hops < 10 && current.status >= 300 && current.status < 400; hops++) {
    const location = current.headers.get('Location');
    await current.body?.cancel();
    if (!location) throw new Error(`redirect ${current.status} without Location`);
    current = await browser.fetch(pathOf(location));
  }
  return new Page(current.status, await current.text(), current.headers);
}

export async function areaLogin(holder: Holder, browser = new Browser()): Promise<AreaBrowser> {
  const login = await follow(browser, await browser.fetch('/area-personale/accedi'));
  if (login.status !== 200) throw new Error(`area login page: ${login.status} ${login.text.slice(0, 300)}`);
  const otp = await browser.submit(login, 'Procedi', { [USERNAME_LABEL]: holder.citizen.fiscalCode, Password: holder.password });
  const consent = await browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(holder.citizen.phone) });
  const back = await browser.submit(consent, 'Prosegui');
  const location = back.headers.get('Location');
  if (back.status !== 302 || !location) throw new Error(`area login did not return to the area: ${back.status} ${back.text.slice(0, 300)}`);
  const home = await follow(browser, await browser.fetch(pathOf(location)));
  if (home.status !== 200) throw new Error(`area home: ${home.status} ${home.text.slice(0, 300)}`);
  return { browser, home };
}

import type { Page } from './activation-client';
import { DemoBrowser, signInToConsent } from './demo-client';
import type { Holder } from './login-client';

/**
 * A citizen's browser in the personal area: its login is an RP's login at this very service, so the
 * redirects carry absolute URLs on our origin, which DemoBrowser follows like relative ones.
 */
export class AreaBrowser extends DemoBrowser {}

/** "Accedi" → the OP's credentials page (through /oidc/authorize). */
export async function openAreaLogin(browser: AreaBrowser): Promise<Page> {
  return browser.settle(await browser.open('/area-personale/accedi'));
}

/** A whole level 2 SMS login to the area, consent included: the page it lands on (Home). */
export async function loginToArea(h: Holder, browser = new AreaBrowser(), username = h.citizen.fiscalCode): Promise<{ browser: AreaBrowser; page: Page }> {
  const credentials = await openAreaLogin(browser);
  const consent = await signInToConsent(browser, credentials, username, h.password, h.citizen.phone);
  const page = await browser.settle(await browser.submit(consent, 'Prosegui'));
  return { browser, page };
}

/** The area's session cookie as this browser holds it (plain-http loopback: no `__Host-` prefix). */
export const areaCookie = (browser: AreaBrowser) => browser.cookies.get('cie_area');

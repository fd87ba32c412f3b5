import { Browser, locationOf, type Response } from './http.ts';
import type { Identity } from './citizen.ts';
import { formOf } from './pages.ts';
import { awaitCode, countMessages, open, press } from './page-steps.ts';
import { expect, type Flow } from './steps.ts';

/**
 * A citizen's side of a login (docs/login-pages.md), in a browser of its own: from the RP's
 * authorization URL to the OP's redirect back. Level 1: password, consent. Level 2 in SMS mode:
 * password, the code from the test outbox, consent.
 *
 * API:
 * - `browserLogin(authorizationUrl, identity, level)`: flow (steps.ts) → the Location of the OP's
 *   redirect to the RP. Each step is a k6 check; a failed one ends the flow with a FlowError.
 */
const hasField = (name: string) => (r: Response) => r.status === 200 && r.body.includes(`name="${name}"`);

export function* browserLogin(authorizationUrl: string, identity: Identity, level: 1 | 2): Flow<string> {
  const browser = new Browser();
  let page = yield* open(browser, authorizationUrl, 'authorize', 'login_page');
  expect(page, 'authorize: login page', hasField('password'));

  // Counted before the password is posted: the code is sent while that post is answered.
  const sent = level === 2 ? yield* countMessages(identity.phone) : 0;
  page = yield* press(browser, page, 'Procedi', { username: identity.fiscalCode, password: identity.password }, 'login_password', 'login_page');

  if (level === 2) {
    expect(page, 'password: SMS code page', hasField('otp'));
    const code = yield* awaitCode(identity.phone, sent);
    page = yield* press(browser, page, 'Prosegui', { otp: code }, 'login_otp', 'login_page');
  }
  expect(page, `level ${level}: consent page`, (r) => r.status === 200 && !!formOf(r.body, r.url, { button: 'Prosegui' })?.action.endsWith('/consenso'));

  const answer = yield* press(browser, page, 'Prosegui', {}, 'consent', 'login_page');
  expect(answer, 'consent: redirect to the RP', (r) => r.status === 302 && locationOf(r) !== null);
  return locationOf(answer)!;
}

import type { Browser, Endpoint, Response } from './http.ts';
import { isRedirect, locationOf } from './http.ts';
import { fill, formOf, type Form } from './pages.ts';
import { outboxReq, readOutbox } from './outbox.ts';
import { fail, type Flow } from './steps.ts';
import { ORIGIN } from './url.ts';

/**
 * The steps a browser takes through our pages, as flow steps (steps.ts): open a URL, press a button
 * of a form, wait for a code in the test outbox. Redirects within our origin are followed one hop at
 * a time, each hop measured as the page endpoint; a redirect elsewhere (the OP's answer to the RP)
 * is returned for the caller to read.
 *
 * API:
 * - `open(browser, url, endpoint, pageEndpoint)`: GET, then the redirects (at most 5).
 * - `press(browser, page, button, values, endpoint, pageEndpoint)`: the form holding the button,
 *   filled and posted, then the redirects.
 * - `formFor(page, button, step)`: the form, or a failed step (steps.ts `fail`).
 * - `countMessages(to)`, `awaitCode(to, after)`: the outbox before and after a code is sent.
 */
const MAX_HOPS = 5;

function* followOwn(browser: Browser, res: Response, pageEndpoint: Endpoint): Flow<Response> {
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const location = locationOf(res);
    if (!isRedirect(res) || !location?.startsWith(`${ORIGIN}/`)) return res;
    res = yield browser.getReq(location, pageEndpoint);
  }
  return res;
}

export function* open(browser: Browser, url: string, endpoint: Endpoint, pageEndpoint: Endpoint): Flow<Response> {
  const res: Response = yield browser.getReq(url, endpoint);
  return yield* followOwn(browser, res, pageEndpoint);
}

export function formFor(page: Response, button: string, step: string): Form {
  const form = formOf(page.body, page.url, { button });
  if (!form) fail(step, `no button "${button}" on ${page.status} ${page.url}`);
  return form;
}

export function* press(
  browser: Browser,
  page: Response,
  button: string,
  values: Record<string, string | undefined>,
  endpoint: Endpoint,
  pageEndpoint: Endpoint,
): Flow<Response> {
  const form = formFor(page, button, endpoint);
  const res: Response = yield browser.formReq(form.action, fill(form, values), endpoint);
  return yield* followOwn(browser, res, pageEndpoint);
}

export function* countMessages(to: string): Flow<number> {
  const res: Response = yield outboxReq(to);
  return readOutbox(res, to).length;
}

/** Polls for up to ~2 s: the code is sent while the page answers, but delivery may trail it a little. */
export function* awaitCode(to: string, after: number, tries = 40): Flow<string> {
  for (let i = 0; i < tries; i++) {
    const res: Response = yield { ...outboxReq(to), pause: i === 0 ? 0 : 0.05 };
    const messages = readOutbox(res, to);
    if (messages.length > after && messages[0]?.code) return messages[0].code;
  }
  return fail('outbox: the code arrives', `no new code for ${to} after ${tries} reads`);
}

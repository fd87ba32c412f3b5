import { check, sleep } from 'k6';
import { parseHTML } from 'k6/html';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import type { Browser, Response } from '../http.ts';
import { fail } from '../steps.ts';
import { ORIGIN } from '../url.ts';

/**
 * The desktop's side of a QR login (R-LOG-3, docs/login-pages.md): the level 2 page shows a QR code
 * (`<div id="qr" data-qr-content="…">`) and waits for the App. In a browser, /login-wait.js opens a
 * WebSocket at /login/{id}/attesa (the flow's Durable Object holds it hibernating and announces each
 * step change) and polls /login/{id}/stato every 2 s when the socket fails; either way the page
 * reloads when the step changes. Here both ways of waiting can be played:
 * - `poll`: the fallback, every `pollSeconds` (default 1 s: a pessimistic load, every page polling);
 * - `socket`: the page's first choice, k6/websockets with the browser's cookies.
 *
 * API:
 * - `QrPage`: `{ flowId, content }`; `qrPageOf(page)`: read from the level 2 page, or a failed step.
 * - `WaitOptions`: `{ mode, pollSeconds, limitSeconds }` — `limitSeconds` is how long the page keeps
 *   waiting after the App's approval before the iteration counts it as stuck.
 * - `waitOnPage(browser, page, scanAt, scan, options)`: async; the page waits while `scan` (the
 *   App's part, true when approved) runs at `scanAt` (ms since the epoch); → `{ step, approvedAt }`
 *   once the page sees the flow leave `credentials`, or null when something failed (a k6 check).
 */
export interface QrPage {
  flowId: string;
  content: string;
}

export type WaitMode = 'poll' | 'socket';

export interface WaitOptions {
  mode: WaitMode;
  pollSeconds: number;
  limitSeconds: number;
}

export interface Moved {
  step: string;
  approvedAt: number;
}

type Scan = () => Promise<boolean>;

const WAITING_STEP = 'credentials';

export function qrPageOf(page: Response): QrPage {
  const doc = parseHTML(page.body);
  const content = doc.find('#qr').attr('data-qr-content');
  const flowId = doc.find('#attesa').attr('data-flow');
  if (page.status !== 200 || !content || !flowId) {
    return fail('authorize: level 2 page with a QR code', `no QR code or waiting anchor on ${page.status} ${page.url}`);
  }
  return { flowId, content };
}

function stepOf(body: string): string | null {
  try {
    const step = (JSON.parse(body) as { step?: unknown }).step;
    return typeof step === 'string' ? step : null;
  } catch {
    return null;
  }
}

const pauseUntil = (at: number) => {
  const ms = at - Date.now();
  if (ms > 0) sleep(ms / 1000);
};

async function byPolling(browser: Browser, page: QrPage, scanAt: number, scan: Scan, options: WaitOptions): Promise<Moved | null> {
  const every = options.pollSeconds * 1000;
  let nextPoll = Date.now() + every;
  let approvedAt = 0;
  for (;;) {
    // The App scans on its own schedule while the page keeps its polling rhythm.
    const scanNext = !approvedAt && scanAt <= nextPoll;
    pauseUntil(scanNext ? scanAt : nextPoll);
    if (scanNext) {
      if (!(await scan())) return null;
      approvedAt = Date.now();
      continue;
    }
    nextPoll += every;
    const res = browser.get(`/login/${page.flowId}/stato`, 'qr_stato');
    const step = stepOf(res.body);
    if (!check(res, { 'qr page: status poll': (r) => r.status === 200 && step !== null })) return null;
    if (step !== WAITING_STEP) return { step: step!, approvedAt };
    if (approvedAt && Date.now() - approvedAt > options.limitSeconds * 1000) {
      check(null, { 'qr page: moves on after the approval': () => false });
      return null;
    }
  }
}

function bySocket(browser: Browser, page: QrPage, scanAt: number, scan: Scan, options: WaitOptions): Promise<Moved | null> {
  const url = `${ORIGIN.replace(/^http/i, 'ws')}/login/${page.flowId}/attesa`;
  return new Promise((resolve) => {
    let approvedAt = 0;
    let done = false;
    const ws = new WebSocket(url, null, { jar: browser.jar, headers: { Origin: ORIGIN }, tags: { endpoint: 'qr_attesa', name: 'qr_attesa' } });
    const finish = (moved: Moved | null, failed?: string) => {
      if (done) return;
      done = true;
      if (failed) check(null, { [failed]: () => false });
      clearTimeout(scanTimer);
      clearTimeout(limitTimer);
      ws.close();
      resolve(moved);
    };
    const scanTimer = setTimeout(
      () => {
        scan().then(
          (approved) => {
            if (approved) approvedAt = Date.now();
            else finish(null);
          },
          () => finish(null, 'app: scan and approval'),
        );
      },
      Math.max(0, scanAt - Date.now()),
    );
    const limitTimer = setTimeout(() => finish(null, 'qr page: moves on after the approval'), Math.max(0, scanAt - Date.now()) + options.limitSeconds * 1000);
    // As /login-wait.js does: ask for the step once open, then listen for the announcements.
    ws.onopen = () => ws.send('stato');
    ws.onmessage = (event) => {
      const step = typeof event?.data === 'string' ? stepOf(event.data) : null;
      if (step !== null && step !== WAITING_STEP) finish({ step, approvedAt }, approvedAt ? undefined : 'qr page: moves on only after the approval');
    };
    ws.onerror = () => finish(null, 'qr page: waiting socket');
    ws.onclose = () => finish(null, 'qr page: waiting socket stays open');
  });
}

export function waitOnPage(browser: Browser, page: QrPage, scanAt: number, scan: Scan, options: WaitOptions): Promise<Moved | null> {
  return options.mode === 'socket' ? bySocket(browser, page, scanAt, scan, options) : byPolling(browser, page, scanAt, scan, options);
}

import { describe, expect, it } from 'vitest';
import { Browser } from '../support/activation-client';
import { CountingBrowser, DoCallCounter } from '../support/counting-env';
import { type Holder, env, holder } from '../support/login-client';
import { directoryFor } from '../../functions/platform/directory';
import { newCitizen } from '../support/citizens';
import { ORIGIN, call } from '../support/worker';

/**
 * R-ACC-2: whether a username names someone must not show in how its recovery starts — neither in the
 * Durable Object calls (which are what takes time here: there is no PBKDF2 on this path) nor in the
 * measured time. The SMS is counted against the daily cap and handed to the notifier after the
 * answer (recovery/codes.ts), so the calls compared are those made before it: the card's count
 * (CARD.countSendTo) and the outbox's delivery, both in waitUntil, are left out.
 */
const stranger = () => newCitizen().fiscalCode;

/** The same step on either path has the same name: the Card's call for an identity, the unknown-username gate for a stranger. */
const ROLES: Record<string, string> = {
  'CARD.startPasswordRecovery': 'gate',
  'DIRECTORY.unknownUsernameGate': 'gate',
  'CARD.countOtpCheck': 'check count',
  'FLOW.read': 'check count',
  'DIRECTORY.unknownDailyCount': 'check count',
  'FLOW.checkOtpThenAdvance': 'check',
  'FLOW.checkOtp': 'check',
};

const AFTER_THE_ANSWER = new Set(['CARD.countSendTo', 'OUTBOX.deliver']);

/** The calls of the last request, in order, named by role, those made after the answer left out. */
function shapeOf(counter: DoCallCounter): string[] {
  const calls = counter.byRequest.at(-1)!.calls;
  return [...calls].filter(([key]) => !AFTER_THE_ANSWER.has(key)).flatMap(([key, n]) => Array.from({ length: n }, () => ROLES[key] ?? key));
}

async function startCounted(username: string): Promise<{ shape: string[]; status: number; browser: CountingBrowser; counter: DoCallCounter }> {
  const counter = new DoCallCounter();
  const browser = new CountingBrowser(counter);
  const form = await browser.open('/recupero-password');
  const body = new URLSearchParams({ csrf: form.csrf, username });
  const res = await browser.fetch('/recupero-password', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
    body,
  });
  return { shape: shapeOf(counter), status: res.status, browser, counter };
}

describe('R-ACC-2: a recovery for a username nobody holds does the same work', () => {
  it('R-ACC-2: starting, the same Durable Object calls in the same order, whichever kind of username or card', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const kinds: [string, (h: Holder) => Promise<string>, string][] = [
      ['codice fiscale', async (h) => h.citizen.fiscalCode, stranger()],
      ['serial', async (h) => h.serial, 'ZZ12345ZZ'],
      [
        'email',
        async (h) => {
          const email = `rec.${tag}@example.it`;
          expect(await directoryFor(env).claimEmail(email, h.citizen.fiscalCode)).toBe(true);
          return email;
        },
        `nessuno.${tag}@example.it`,
      ],
    ];
    for (const [kind, usernameOf, nobody] of kinds) {
      const h = await holder();
      const known = await startCounted(await usernameOf(h));
      const unknown = await startCounted(nobody);
      expect([kind, known.status, unknown.status]).toEqual([kind, 303, 303]);
      expect([kind, unknown.shape]).toEqual([kind, known.shape]);
    }
  });

  it("R-ACC-2: a wrong code, the same calls for a decoy as for an identity (the card's daily count, the flow's check)", async () => {
    const h = await holder();
    const wrongCode = async (username: string) => {
      const { browser, counter } = await startCounted(username);
      const page = await browser.open('/recupero-password');
      await browser.fetch('/recupero-password/codice', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
        body: new URLSearchParams({ csrf: page.csrf, otp: '0000' }),
      });
      return shapeOf(counter);
    };
    // '0000' could be the real code once in 10,000 runs: then the shapes differ and the test says so.
    expect(await wrongCode(stranger())).toEqual(await wrongCode(h.citizen.fiscalCode));
  });
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * An outside prober's measurement, as login-password-timing's: interleaved pairs (an identity's
 * username, a stranger's), compared by the median of their differences, drift cancelling out of
 * each pair. Each recovery start spends one of the identity's 10 daily sends, so each identity serves
 * few pairs. Workerd's clock moves in whole milliseconds, hence the absolute slack: an answer here
 * takes a few milliseconds, and one Durable Object call more (≈ 1 ms) would show as a median
 * difference beyond it.
 */
const PAIRS = 60;
const ATTEMPTS = 3;
const RELATIVE_BOUND = 0.1;
const ABSOLUTE_SLACK_MS = 0.5;
const WARM_UP = 2;
const PAIRS_PER_NAME = 3;

async function measure(): Promise<{ ok: boolean; measured: string }> {
  const names = Math.ceil((WARM_UP + PAIRS) / PAIRS_PER_NAME);
  const holders = [];
  while (holders.length < names) holders.push(...(await Promise.all(Array.from({ length: 6 }, () => holder()))));
  const strangers = holders.map(() => stranger());
  const browser = new Browser();
  const form = await browser.open('/recupero-password');
  const timed = async (username: string) => {
    const body = new URLSearchParams({ csrf: form.csrf, username }).toString();
    const start = performance.now();
    const res = await call('/recupero-password', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: browser.cookieHeader() },
      body,
    });
    const elapsed = performance.now() - start;
    expect(res.status).toBe(303);
    return elapsed;
  };
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < WARM_UP + PAIRS; i++) {
    const n = Math.floor(i / PAIRS_PER_NAME);
    const [identity, name] = [holders[n]!.citizen.fiscalCode, strangers[n]!];
    let k: number;
    let u: number;
    if (i % 2) {
      k = await timed(identity);
      u = await timed(name);
    } else {
      u = await timed(name);
      k = await timed(identity);
    }
    if (i < WARM_UP) continue;
    known.push(k);
    unknown.push(u);
  }
  const differences = known.map((k, i) => k - unknown[i]!);
  const bound = RELATIVE_BOUND * median([...known, ...unknown]) + ABSOLUTE_SLACK_MS;
  const slower = differences.filter((d) => d > 0).length;
  const faster = differences.filter((d) => d < 0).length;
  const measured =
    `medians ${median(known).toFixed(2)} ms (identity) and ${median(unknown).toFixed(2)} ms (nobody); ` +
    `median difference ${median(differences).toFixed(2)} ms; identity slower in ${slower} pairs, faster in ${faster}; bound ${bound.toFixed(2)} ms`;
  const ok = Math.abs(median(differences)) < bound && Math.max(slower, faster) / Math.max(1, slower + faster) < 2 / 3;
  return { ok, measured };
}

describe('R-ACC-2: a recovery for a username nobody holds takes the same time', () => {
  it(`R-ACC-2: over ${PAIRS} interleaved pairs, the median difference is within ${RELATIVE_BOUND * 100} % + ${ABSOLUTE_SLACK_MS} ms and neither side is slower in two pairs of three`, async () => {
    const readings: string[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const { ok, measured } = await measure();
      readings.push(measured);
      console.log(`password recovery timing: ${measured}`);
      if (ok) return;
    }
    expect.fail(`in none of ${ATTEMPTS} measurements:\n${readings.join('\n')}`);
  }, 300_000);
});

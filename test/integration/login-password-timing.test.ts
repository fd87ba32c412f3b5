import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../functions/index';
import type { Env } from '../../functions/env';
import { ORIGIN } from '../support/worker';
import { accessLog, holder, openLogin, type Holder, type OpenLogin } from '../support/login-client';
import { newCitizen } from '../support/citizens';
import { directoryFor } from '../../functions/platform/directory';

/**
 * R-LOG-8: whether a username exists must not show in how long a wrong password takes to be refused.
 * Both paths do the same work — the same Durable Object calls in the same order, one PBKDF2 each —
 * and their times are compared over interleaved pairs, as an outside prober would measure them.
 */
const WRONG_PASSWORD = 'Sbagliata!99';

/** A stranger: a well-formed codice fiscale nobody holds. */
const stranger = () => newCitizen().fiscalCode;

/** The Worker's environment with every Durable Object stub recording its calls as `NAMESPACE.method`. */
function recording(calls: string[]): Env {
  const wrap = <T extends object>(name: string, namespace: T): T =>
    new Proxy(namespace, {
      get(target, prop) {
        const value = Reflect.get(target, prop);
        if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
        return (id: DurableObjectId) => {
          const stub = (target as unknown as DurableObjectNamespace).get(id);
          return new Proxy(stub, {
            get(s, method) {
              const member = Reflect.get(s, method);
              if (typeof method !== 'string' || method === 'then' || typeof member !== 'function') return member;
              return (...args: unknown[]) => {
                calls.push(`${name}.${method}`);
                return Reflect.apply(member, s, args);
              };
            },
          });
        };
      },
    });
  const base = env as unknown as Env;
  return {
    ...base,
    CARD: wrap('CARD', base.CARD),
    FLOW: wrap('FLOW', base.FLOW),
    DIRECTORY: wrap('DIRECTORY', base.DIRECTORY),
    OUTBOX: wrap('OUTBOX', base.OUTBOX),
  };
}

/** The Durable Object calls one request makes, and its answer's status. */
async function callsOf(path: string, init: RequestInit, cookie?: string): Promise<{ status: number; calls: string[] }> {
  const calls: string[] = [];
  const headers = new Headers(init.headers);
  if (cookie) headers.set('Cookie', cookie);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init, headers }), recording(calls), ctx);
  await waitOnExecutionContext(ctx);
  await res.arrayBuffer();
  return { status: res.status, calls };
}

/** The same step on either path has the same name: the Card's counter for an identity, the directory's for a stranger. */
const ROLES: Record<string, string> = {
  'CARD.passwordGate': 'password gate',
  'DIRECTORY.unknownUsernameGate': 'password gate',
  'CARD.recordPasswordFailure': 'password failure',
  'DIRECTORY.unknownUsernameFailure': 'password failure',
};
const shape = (calls: string[]) => calls.map((c) => ROLES[c] ?? c);

function credentials(login: OpenLogin, username: string): [string, RequestInit, string] {
  const body = new URLSearchParams({ csrf: login.page.csrf, username, password: WRONG_PASSWORD }).toString();
  const init = { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body };
  return [`/login/${login.flowId}/credenziali`, init, login.browser.cookieHeader()];
}

const appCertification = (username: string): [string, RequestInit] => [
  '/app/certificazione',
  { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: WRONG_PASSWORD }) },
];

const outcomes = async (h: Holder) => (await accessLog(h.serial)).map((e) => e.outcome);

describe('R-LOG-8: a wrong password and an unknown username do the same work', () => {
  it("R-LOG-8, R-LOG-9: on the login page, the same Durable Object calls in the same order, whichever kind of username; the wrong password is logged once, inside the Card's own call", async () => {
    const login = await openLogin({ acr: 2 });
    const tag = crypto.randomUUID().slice(0, 8);
    const kinds: [string, (h: Holder) => Promise<string>, string][] = [
      ['codice fiscale', async (h) => h.citizen.fiscalCode, stranger()],
      ['serial', async (h) => h.serial, `ZZ${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}ZZ`],
      [
        'email',
        async (h) => {
          const email = `anna.${tag}@example.it`;
          expect(await directoryFor(env as unknown as Env).claimEmail(email, h.citizen.fiscalCode)).toBe(true);
          return email;
        },
        `nessuno.${tag}@example.it`,
      ],
    ];
    for (const [kind, usernameOf, nobody] of kinds) {
      const h = await holder();
      const known = await callsOf(...credentials(login, await usernameOf(h)));
      const unknown = await callsOf(...credentials(login, nobody));
      expect([kind, known.status, unknown.status]).toEqual([kind, 400, 400]);
      expect([kind, shape(known.calls)]).toEqual([kind, shape(unknown.calls)]);
      expect(known.calls.filter((c) => c.startsWith('CARD.'))).toEqual(['CARD.passwordGate', 'CARD.recordPasswordFailure']);
      expect(await outcomes(h)).toEqual(['wrong_password']);
    }
  });

  it('R-LOG-8, R-LOG-9: slowed down (the fourth quick failure), the same calls too; the refusal is logged once', async () => {
    const [h, login] = await Promise.all([holder(), openLogin({ acr: 2 })]);
    const name = stranger();
    for (const username of [h.citizen.fiscalCode, name]) {
      for (let i = 0; i < 3; i++) expect((await callsOf(...credentials(login, username))).status).toBe(400);
    }
    const known = await callsOf(...credentials(login, h.citizen.fiscalCode));
    const unknown = await callsOf(...credentials(login, name));
    expect([known.status, unknown.status]).toEqual([429, 429]);
    expect(shape(known.calls)).toEqual(shape(unknown.calls));
    expect(await outcomes(h)).toEqual(['throttled', 'wrong_password', 'wrong_password', 'wrong_password']);
  });

  it("R-LOG-8, R-APP-1: the App's POST /app/certificazione uses the same check: the same calls, nothing logged", async () => {
    const h = await holder();
    const known = await callsOf(...appCertification(h.citizen.fiscalCode));
    const unknown = await callsOf(...appCertification(stranger()));
    expect([known.status, unknown.status]).toEqual([401, 401]);
    expect(shape(known.calls)).toEqual(shape(unknown.calls));
    expect(await outcomes(h)).toEqual([]);
  });
});

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * An outside prober's measurement: pairs of attempts one right after the other, a wrong password for
 * an identity and a username nobody has, which one goes first alternating. The pairs are compared by
 * the median of their differences: the machine's speed drifts (other tests run beside this one) and
 * a pair shares its moment, so drift cancels out of each difference. Workerd's clock moves in whole
 * milliseconds, hence the absolute slack.
 *
 * Measured on the 2-core development VM, 100 pairs, with other test files running at the same time:
 * before the fix (the access-log line written by a Durable Object call of its own) the median
 * difference was 2–3 ms (at ≈ 25 ms per answer; the wrong password slower in 72–87 % of the pairs);
 * with the same work on both paths it is −0.5…0.5 ms (slower in 46–56 %).
 */
const PAIRS = 100;
const ATTEMPTS = 3;
const RELATIVE_BOUND = 0.02;
const ABSOLUTE_SLACK_MS = 1;
/** The first requests pay for compilation and cold objects; they are not counted. */
const WARM_UP = 2;
/** Three quick failures are free (R-LOG-8): each identity and each stranger serves three pairs. */
const PAIRS_PER_NAME = 3;

describe('R-LOG-8: a wrong password and an unknown username take the same time', () => {
  it(`R-LOG-8: over ${PAIRS} interleaved pairs, the median difference is within ${RELATIVE_BOUND * 100} % + ${ABSOLUTE_SLACK_MS} ms and neither side is slower in two pairs of three`, async () => {
    // A shared CI machine can blur one measurement; a real difference shows in every one (the old code
    // failed 3 measurements of 3), so the rule holds when one of ATTEMPTS measurements passes.
    const readings: string[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      const { ok, measured } = await measure();
      readings.push(measured);
      if (ok) return;
    }
    expect.fail(`in none of ${ATTEMPTS} measurements:\n${readings.join('\n')}`);
  }, 300_000);
});

async function measure(): Promise<{ ok: boolean; measured: string }> {
  {
    const names = Math.ceil((WARM_UP + PAIRS) / PAIRS_PER_NAME);
    const holders: Holder[] = [];
    while (holders.length < names) holders.push(...(await Promise.all(Array.from({ length: 6 }, () => holder()))));
    const strangers = holders.map(() => stranger());
    // Level 1: the page carries no QR code, whose drawing would only add noise to both sides.
    const login = await openLogin({ acr: 1 });
    const timed = async (username: string) => {
      const body = new URLSearchParams({ csrf: login.page.csrf, username, password: WRONG_PASSWORD });
      const start = performance.now();
      const page = await login.browser.post(`/login/${login.flowId}/credenziali`, body);
      const elapsed = performance.now() - start;
      expect(page.status).toBe(400);
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
    const typical = median([...known, ...unknown]);
    const bound = RELATIVE_BOUND * typical + ABSOLUTE_SLACK_MS;
    const slower = differences.filter((d) => d > 0).length;
    const faster = differences.filter((d) => d < 0).length;
    const measured =
      `medians ${median(known)} ms (wrong password) and ${median(unknown)} ms (unknown username); ` +
      `wrong password slower in ${slower} pairs, faster in ${faster}; bound ${bound.toFixed(2)} ms`;
    // The probe's own reading, too: which side is slower should be a coin toss, not two pairs in three.
    const ok = Math.abs(median(differences)) < bound && Math.max(slower, faster) / (slower + faster) < 2 / 3;
    return { ok, measured };
  }
}

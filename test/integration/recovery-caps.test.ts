import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext } from 'cloudflare:test';
import { Browser } from '../support/activation-client';
import { holder } from '../support/login-client';
import { newCitizen } from '../support/citizens';
import { OTP, askNewPassword, askPuk, nextCode, outbox } from '../support/recovery-client';
import { ORIGIN, call } from '../support/worker';
import handler from '../../functions/index';
import type { Env } from '../../functions/env';
import { OTP_CHECK_CAP_MESSAGE, OTP_DAILY_CHECK_CAP } from '../../functions/core/otp';
import { PUK_APP_DAILY_STARTS } from '../../functions/core/puk-recovery';

/**
 * A decoy recovery is capped where a real one is (R-OTP-2's daily checks, the App's PUK requests): a
 * prober that spends a name's day cannot tell by the answers whether the name is someone's.
 */
const FLOWS_TO_CAP = OTP_DAILY_CHECK_CAP / 5;
const wrongFor = (code: string | null) => (code === '0000' ? '1111' : '0000');

/** `flows` recoveries of five wrong codes each, then what the next check is answered: status and alert of every answer. */
async function spendChecks(
  start: () => Promise<{ browser: Browser; page: Awaited<ReturnType<typeof askNewPassword>>['page'] }>,
  phone: string | null,
  flows: number,
) {
  const seen: string[] = [];
  let last: { browser: Browser; page: Awaited<ReturnType<typeof askNewPassword>>['page'] } | null = null;
  for (let flow = 0; flow < flows; flow++) {
    const before = phone ? (await outbox(phone)).length : 0;
    last = await start();
    const code = phone ? await nextCode(phone, before) : null;
    for (let i = 0; i < 5; i++) {
      last.page = await last.browser.submit(last.page, 'Continua', { [OTP]: wrongFor(code) });
      seen.push(`${last.page.status} ${last.page.alert}`);
    }
  }
  return { seen, last: last! };
}

const api = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

describe('R-OTP-2: the daily check cap does not tell a real username from an unknown one', () => {
  it('R-OTP-2, R-ACC-2: password recovery — after the day\'s checks, a real and an unknown username are both answered "troppi codici" (429)', async () => {
    const h = await holder();
    const stranger = newCitizen().fiscalCode;
    const real = await spendChecks(() => askNewPassword(h.citizen.fiscalCode), h.citizen.phone, FLOWS_TO_CAP + 1);
    const fake = await spendChecks(() => askNewPassword(stranger), null, FLOWS_TO_CAP + 1);
    expect(fake.seen).toEqual(real.seen);
    expect(real.seen.at(OTP_DAILY_CHECK_CAP)).toBe(`429 ${OTP_CHECK_CAP_MESSAGE}`);
  });

  it('R-OTP-2, R-PUK-2: PUK recovery on the web and in the App — a real pair, an unknown one and a known codice fiscale with a wrong serial are capped alike', async () => {
    const h = await holder();
    const stranger = newCitizen().fiscalCode;
    const real = await spendChecks(() => askPuk(h.citizen.fiscalCode, h.serial), h.citizen.phone, FLOWS_TO_CAP);
    const fake = await spendChecks(() => askPuk(stranger, 'CA12345ZZ'), null, FLOWS_TO_CAP);
    expect(fake.seen).toEqual(real.seen);
    // The day's checks are spent: the next check of each, on the web and through the App, is capped.
    for (const [fiscalCode, serial] of [
      [h.citizen.fiscalCode, h.serial],
      [stranger, 'CA12345ZZ'],
      [h.citizen.fiscalCode, 'CA12345ZZ'],
    ] as const) {
      const { browser, page } = await askPuk(fiscalCode, serial);
      const web = await browser.submit(page, 'Continua', { [OTP]: '0000' });
      expect([web.status, web.alert]).toEqual([429, OTP_CHECK_CAP_MESSAGE]);
      const started = (await (await api('/app/puk', { fiscalCode, serial })).json()) as { flowId: string };
      const app = await api(`/app/puk/${started.flowId}`, { otp: '0000' });
      expect(app.status).toBe(429);
      expect(((await app.json()) as { error_description: string }).error_description).toBe(OTP_CHECK_CAP_MESSAGE);
    }
  });

  it("R-OTP-2: a real username's checks and those of its codice fiscale at the PUK form are one identity's; a stranger's name alike", async () => {
    const h = await holder();
    const stranger = newCitizen().fiscalCode;
    // The day spent through the password recovery, then a PUK request of the same codice fiscale.
    await spendChecks(() => askNewPassword(h.citizen.fiscalCode), h.citizen.phone, FLOWS_TO_CAP);
    await spendChecks(() => askNewPassword(stranger), null, FLOWS_TO_CAP);
    for (const fiscalCode of [h.citizen.fiscalCode, stranger]) {
      const { browser, page } = await askPuk(fiscalCode, 'CA12345ZZ');
      const web = await browser.submit(page, 'Continua', { [OTP]: '0000' });
      expect([fiscalCode, web.status]).toEqual([fiscalCode, 429]);
    }
  });
});

describe("R-PUK-2: the App's PUK requests a day per identity", () => {
  it(`R-PUK-2: ${PUK_APP_DAILY_STARTS} requests a day, then 429 — alike for a real pair, an unknown one, and a known codice fiscale with another serial`, async () => {
    const h = await holder();
    const stranger = newCitizen().fiscalCode;
    const answers = async (fiscalCode: string, serial: string) => {
      const out: number[] = [];
      for (let i = 0; i <= PUK_APP_DAILY_STARTS; i++) out.push((await api('/app/puk', { fiscalCode, serial })).status);
      return out;
    };
    const expected = [...Array.from({ length: PUK_APP_DAILY_STARTS }, () => 200), 429];
    expect(await answers(h.citizen.fiscalCode, h.serial)).toEqual(expected);
    expect(await answers(stranger, 'CA12345ZZ')).toEqual(expected);
    // Counted per identity, whatever serial was typed: the holder's day is already spent.
    expect((await api('/app/puk', { fiscalCode: h.citizen.fiscalCode, serial: 'CA12345ZZ' })).status).toBe(429);
    const refused = await api('/app/puk', { fiscalCode: stranger, serial: 'CA12345ZZ' });
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Only the three requests' codes were sent.
    expect((await outbox(h.citizen.phone)).filter((m) => m.code !== null)).toHaveLength(PUK_APP_DAILY_STARTS);
  });
});

describe("R-ACC-2, R-PUK-2: the recoveries' first forms have the activation's captcha", () => {
  const captchaEnv = { ...env, CAPTCHA: 'turnstile', TURNSTILE_SITE_KEY: '0x4AAAAAAA-test', TURNSTILE_SECRET: undefined } as unknown as Env;

  it.each([
    ['/recupero-password', 'cie_rec', { username: 'RSSMRA80A01H501U' }],
    ['/recupero-puk', 'cie_puk', { fiscalCode: 'RSSMRA80A01H501U', serial: 'CA12345AA' }],
  ] as const)('%s shows Turnstile and refuses a post without a passing token: no flow, no code', async (path, flowCookie, fields) => {
    const ctx = createExecutionContext();
    const get = await handler.fetch(new Request(`${ORIGIN}${path}`), captchaEnv, ctx);
    expect(await get.text()).toContain('<div class="cf-turnstile" data-sitekey="0x4AAAAAAA-test"');
    expect(get.headers.get('Content-Security-Policy')).toContain("script-src 'self' https://challenges.cloudflare.com");
    const token = /^cie_rec_csrf=([^;]+)/.exec(get.headers.getSetCookie()[0]!)![1]!;
    const post = await handler.fetch(
      new Request(`${ORIGIN}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `cie_rec_csrf=${token}`, Origin: ORIGIN },
        body: new URLSearchParams({ csrf: token, ...fields, 'cf-turnstile-response': 'forged' }),
      }),
      captchaEnv,
      ctx,
    );
    expect(post.status).toBe(400);
    expect(await post.text()).toContain('Non sono un robot');
    expect(post.headers.getSetCookie().some((c) => c.startsWith(`${flowCookie}=`))).toBe(false);
  });

  it('without the captcha (development), no Turnstile script is loaded', async () => {
    for (const path of ['/recupero-password', '/recupero-puk']) {
      const page = await new Browser().open(path);
      expect(page.html).not.toContain('cf-turnstile');
      expect(page.headers.get('Content-Security-Policy')).not.toContain('challenges.cloudflare.com');
    }
  });
});

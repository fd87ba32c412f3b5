import { describe, expect, it } from 'vitest';
import { Browser, issueCard } from '../support/activation-client';
import { env, holder } from '../support/login-client';
import { newCitizen } from '../support/citizens';
import { OTP, askPuk, nextCode, nextMessage, outbox, releaseNow, scheduledAlarm, settle } from '../support/recovery-client';
import { call, registry } from '../support/worker';
import { cardObject } from '../../functions/platform/objects';
import { PUK_RELEASE_DELAY_MS, releaseSentence, spacedPuk } from '../../functions/core/puk-recovery';
import { romeTime } from '../../functions/core/notices';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';

const PUK_COOKIE = 'cie_puk';
const seen = (page: { status: number; postStatus: number | null; heading: string; text: string }) => ({
  status: page.status,
  postStatus: page.postStatus,
  heading: page.heading,
  text: page.text,
});

/** Form, code, request: the page that says when. */
async function requestPuk(card: { citizen: { fiscalCode: string; phone: string }; serial: string }) {
  const before = (await outbox(card.citizen.phone)).length;
  const { browser, page } = await askPuk(card.citizen.fiscalCode, card.serial);
  expect(page.heading).toBe('Inserisci il codice ricevuto via SMS');
  const code = await nextCode(card.citizen.phone, before);
  const done = await browser.submit(page, 'Continua', { [OTP]: code });
  return { browser, done };
}

/** The link in the newest message to `to`, as its path. */
function linkIn(text: string): string {
  const m = /(https?:\/\/[^\s]+\/recupero-puk\/visualizza\/[^\s]+)/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return new URL(m[1]!).pathname;
}

describe('PUK recovery (R-PUK-2)', () => {
  it('R-PUK-2: codice fiscale + serial → SMS code → the request is recorded, the PUK can be seen 48 hours later; the holder is told when', async () => {
    const card = await issueCard();
    const started = Date.now();
    const { browser, done } = await requestPuk(card);
    expect(done.status).toBe(200);
    expect(done.heading).toBe('Richiesta registrata');
    const request = (await cardObject(env, card.serial).pukRequest())!;
    expect(request.releaseAt - request.requestedAt).toBe(PUK_RELEASE_DELAY_MS);
    expect(request.requestedAt).toBeGreaterThanOrEqual(started);
    expect(done.text).toContain(releaseSentence(request.releaseAt));
    expect(browser.cookies.has(PUK_COOKIE)).toBe(false);
    // The alarm waits for the release, 48 hours on.
    expect(await scheduledAlarm(card.serial)).toBe(request.releaseAt);
    const notice = await nextMessage(card.citizen.phone, 1);
    expect(notice.text).toContain(`potrai vederlo dal ${romeTime(request.releaseAt)}`);
    expect(notice.code).toBeNull();
  });

  it('R-PUK-2: a second request within the 48 hours restarts nothing and says when', async () => {
    const card = await issueCard();
    await requestPuk(card);
    const first = (await cardObject(env, card.serial).pukRequest())!;
    const { done } = await requestPuk(card);
    expect(done.heading).toBe('Hai già richiesto il PUK');
    expect(done.text).toContain(releaseSentence(first.releaseAt));
    expect(await cardObject(env, card.serial).pukRequest()).toEqual(first);
  });

  it('R-PUK-2: a second request past the release time, its link not yet sent, is told the link comes soon, never a past date', async () => {
    const card = await issueCard();
    await requestPuk(card);
    const past = Date.now() - 3_600_000;
    await runInDurableObject(cardObject(env, card.serial), (_i, state) => {
      state.storage.sql.exec('UPDATE puk_recovery SET release_at = ? WHERE id = 1', past);
    });
    const { done } = await requestPuk(card);
    expect(done.heading).toBe('Hai già richiesto il PUK');
    expect(done.text).toContain('ti invieremo il link a breve');
    expect(done.text).not.toContain(releaseSentence(past));
  });

  it('R-PUK-2: the alarm run before the 48 hours releases nothing and waits again', async () => {
    const card = await issueCard();
    await requestPuk(card);
    const request = (await cardObject(env, card.serial).pukRequest())!;
    const messages = (await outbox(card.citizen.phone)).length;
    expect(await runDurableObjectAlarm(cardObject(env, card.serial))).toBe(true);
    expect((await cardObject(env, card.serial).pukRequest())!.releasedAt).toBeNull();
    expect(await scheduledAlarm(card.serial)).toBe(request.releaseAt);
    expect((await outbox(card.citizen.phone)).length).toBe(messages);
  });

  it('R-PUK-2: at the release the alarm sends the link; a fresh code shows the PUK once; the link then opens nothing', async () => {
    const card = await issueCard();
    await requestPuk(card);
    const before = (await outbox(card.citizen.phone)).length;
    expect(await releaseNow(card.serial)).toBe(true);
    const released = await nextMessage(card.citizen.phone, before);
    expect(released.text).toContain('il PUK della tua Carta è disponibile');
    const link = linkIn(released.text);
    expect(await scheduledAlarm(card.serial)).toBeNull();

    const browser = new Browser();
    const offer = await browser.open(link);
    expect(offer.status).toBe(200);
    expect(offer.heading).toBe('Visualizza il PUK');
    expect(offer.text).not.toContain(card.puk);
    const codes = (await outbox(card.citizen.phone)).length;
    const codePage = await browser.submit(offer, 'Invia il codice');
    expect(codePage.heading).toBe('Inserisci il codice ricevuto via SMS');
    const right = await nextCode(card.citizen.phone, codes);
    const wrong = await browser.submit(codePage, 'Continua', { [OTP]: right === '0000' ? '1111' : '0000' });
    expect(wrong.status).toBe(400);
    const shown = await browser.submit(wrong, 'Continua', { [OTP]: right });
    expect(shown.status).toBe(200);
    expect(shown.heading).toBe('Il tuo PUK');
    expect(shown.text).toContain(spacedPuk(card.puk));
    expect(shown.headers.get('Cache-Control')).toContain('no-store');

    const again = await new Browser().open(link);
    expect(again.status).toBe(410);
    expect(again.text).not.toContain(spacedPuk(card.puk));
    // The request is over: a new one may start.
    expect((await requestPuk(card)).done.heading).toBe('Richiesta registrata');
  });

  it('R-PUK-2: a link with another secret, another card, or no shape opens nothing (410)', async () => {
    const card = await issueCard();
    await requestPuk(card);
    const before = (await outbox(card.citizen.phone)).length;
    await releaseNow(card.serial);
    const link = linkIn((await nextMessage(card.citizen.phone, before)).text);
    const [cardId, secret] = link.split('/').at(-1)!.split('.') as [string, string];
    const other = secret.startsWith('A') ? `B${secret.slice(1)}` : `A${secret.slice(1)}`;
    for (const token of [`${cardId}.${other}`, `${'0'.repeat(64)}.${secret}`, 'x', `${cardId}.${secret}.x`, '%00']) {
      const page = await new Browser().open(`/recupero-puk/visualizza/${token}`);
      expect([token, page.status]).toEqual([token, 410]);
    }
    expect((await new Browser().open(link)).status).toBe(200);
  });

  it("R-PUK-2: a blocked card, a pair nobody holds and a serial that is not the holder's card get the same pages, and nothing is sent or recorded", async () => {
    const blocked = await issueCard();
    expect((await registry(`/cards/${blocked.serial}/block`, { reason: 'lost' })).status).toBe(200);
    const real = await issueCard();
    const realPage = seen((await askPuk(real.citizen.fiscalCode, real.serial)).page);
    const stranger = newCitizen();
    for (const [fiscalCode, serial] of [
      [blocked.citizen.fiscalCode, blocked.serial],
      [stranger.fiscalCode, 'CA12345ZZ'],
      [real.citizen.fiscalCode, 'CA99999ZZ'],
    ] as const) {
      let { browser, page } = await askPuk(fiscalCode, serial);
      expect([serial, seen(page)]).toEqual([serial, realPage]);
      page = await browser.submit(page, 'Continua', { [OTP]: '1234' });
      expect(page.status).toBe(400);
    }
    await settle();
    expect(await outbox(blocked.citizen.phone)).toEqual([]);
    expect(await cardObject(env, blocked.serial).pukRequest()).toBeNull();
  });

  it('R-PUK-2: a card blocked after the request releases nothing at its alarm', async () => {
    const card = await issueCard();
    await requestPuk(card);
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const before = (await outbox(card.citizen.phone)).length;
    await releaseNow(card.serial);
    await settle();
    expect((await outbox(card.citizen.phone)).length).toBe(before);
    expect(await cardObject(env, card.serial).pukRequest()).toBeNull();
  });

  it('R-PUK-2: bad input is a 400 page, a forged form a 403, never a 5xx', async () => {
    const browser = new Browser();
    const form = await browser.open('/recupero-puk');
    expect(form.heading).toBe('Recupera PUK');
    const bad = await browser.submit(form, 'Continua', { 'Codice Fiscale': 'X'.repeat(40), 'Numero di serie': '<script>' });
    expect(bad.status).toBe(400);
    expect(bad.html).not.toContain('<script>');
    const forged = await browser.submit(form, 'Continua', { 'Codice Fiscale': 'RSSMRA80A01H501U', 'Numero di serie': 'CA12345AA' }, { raw: { csrf: null } });
    expect(forged.status).toBe(403);
    for (const path of ['/recupero-puk/codice', '/recupero-puk/invia']) expect((await browser.post(path, 'otp=1234')).status).toBe(410);
  });
});

describe('PUK recovery in the App (R-PUK-2)', () => {
  const api = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('R-PUK-2: POST /app/puk and POST /app/puk/:flowId: the request, then the same request again says when', async () => {
    const h = await holder();
    const before = (await outbox(h.citizen.phone)).length;
    const start = await api('/app/puk', { fiscalCode: h.citizen.fiscalCode, serial: h.serial });
    expect(start.status).toBe(200);
    const { flowId, message } = (await start.json()) as { flowId: string; message: string };
    expect(message).toContain('Se i dati sono corretti');
    const code = await nextCode(h.citizen.phone, before);
    const done = await api(`/app/puk/${flowId}`, { otp: code });
    expect(done.status).toBe(200);
    const body = (await done.json()) as { status: string; releaseAt: string };
    expect(body.status).toBe('requested');
    expect(Date.parse(body.releaseAt)).toBe((await cardObject(env, h.serial).pukRequest())!.releaseAt);
    const replay = await api(`/app/puk/${flowId}`, { otp: code });
    expect(replay.status).toBe(410);

    const n = (await outbox(h.citizen.phone)).length;
    const second = (await (await api('/app/puk', { fiscalCode: h.citizen.fiscalCode, serial: h.serial })).json()) as { flowId: string };
    const again = (await (await api(`/app/puk/${second.flowId}`, { otp: await nextCode(h.citizen.phone, n) })).json()) as { status: string; message: string };
    expect(again.status).toBe('waiting');
    expect(again.message).toContain(releaseSentence(Date.parse(body.releaseAt)));
  });

  it('R-PUK-2: an unknown pair gets the same answer; bad input a 400; an unknown flow a 410', async () => {
    const h = await holder();
    const known = await api('/app/puk', { fiscalCode: h.citizen.fiscalCode, serial: h.serial });
    const unknown = await api('/app/puk', { fiscalCode: newCitizen().fiscalCode, serial: 'CA12345ZZ' });
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const k = (await known.json()) as Record<string, string>;
    const u = (await unknown.json()) as Record<string, string>;
    expect(Object.keys(u)).toEqual(Object.keys(k));
    expect(u.message).toBe(k.message);
    expect((await api(`/app/puk/${u.flowId}`, { otp: '1234' })).status).toBe(400);
    expect((await api('/app/puk', { fiscalCode: 12, serial: null })).status).toBe(400);
    expect((await api('/app/puk/nope', { otp: '1234' })).status).toBe(410);
    expect((await api(`/app/puk/${k.flowId}`, { otp: 'abcd' })).status).toBe(400);
  });
});

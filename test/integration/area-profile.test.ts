import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../functions/env';
import { directoryFor } from '../../functions/platform/directory';
import { cardObject } from '../../functions/platform/objects';
import { checkPassword } from '../../functions/platform/password-check';
import { type Page, latestCode } from '../support/activation-client';
import { cardView } from '../support/activation-state';
import { loginToArea } from '../support/area-client';
import { type Holder, holder } from '../support/login-client';
import { call } from '../support/worker';

const testEnv = env as Env;

/** Everything the outbox holds for an address, newest first. */
async function outbox(to: string): Promise<{ text: string; code: string | null; channel: string }[]> {
  return (await call(`/__test/outbox?to=${encodeURIComponent(to)}`)).json();
}

async function inArea(h: Holder) {
  const { browser } = await loginToArea(h);
  return { browser, gestione: await browser.open('/area-personale/gestione') };
}

const NEW_PASSWORD = 'Nuvola#2025ab';

async function changePassword(browser: Awaited<ReturnType<typeof inArea>>['browser'], current: string, next: string, confirm = next): Promise<Page> {
  const form = await browser.open('/area-personale/password');
  return browser.submit(form, 'Modifica Password', { 'Password attuale': current, 'Nuova password': next, 'Conferma nuova password': confirm });
}

describe('personal area: Gestione CieID (R-ACC-1)', () => {
  it('R-ACC-1: the guide’s screen — Profilo CieID, levels 1–2 Attive with Modifica Password and Revoca, the mode checked and the other offered, level 3, contacts', async () => {
    const h = await holder({ mode: 'app' });
    const { gestione } = await inArea(h);
    expect(gestione.status).toBe(200);
    expect(gestione.heading).toBe('Gestione CieID');
    expect(gestione.html).toContain('aria-current="page">Gestione CieID');
    const text = gestione.text;
    for (const words of [
      'Area personale / Gestione CieID',
      'Profilo CieID',
      'Credenziali livello 1 e 2 ● Attive',
      'Modifica Password',
      'Revoca livello 1 e livello 2',
      'Scegli la modalità di utilizzo delle credenziali',
      "Utilizza l'App CieID",
      "Passa all'invio OTP tramite SMS",
      'Credenziali livello 3 ● Attive',
      'Sospendi livello 3',
      'Email non indicata',
      'Aggiungi email',
    ]) {
      expect(text, words).toContain(words);
    }
    expect(gestione.html).toContain('href="/area-personale/revoca"');
    expect(gestione.html).toContain('href="/area-personale/livello3"');
    expect(text).not.toContain(h.citizen.phone);
    expect(text).toContain(h.citizen.phone.slice(-3));
    const menu = /<nav aria-label="Menu dell’area personale">([\s\S]*?)<\/nav>/
      .exec(gestione.html)![1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    expect(menu).toBe('Home Gestione CieID Dispositivi Elenco accessi Domande frequenti');
  });

  it('R-ACC-1: every state is read from the Card at each request — a mode switched elsewhere shows at once', async () => {
    const h = await holder({ mode: 'sms' });
    const { browser, gestione } = await inArea(h);
    expect(gestione.text).toContain("Passa all'App CieID");
    await cardObject(testEnv, h.serial).setMode('app');
    expect((await browser.open('/area-personale/gestione')).text).toContain("Passa all'invio OTP tramite SMS");
  });
});

describe('personal area: Modifica Password (R-ACC-2, R-ACT-5)', () => {
  it('R-ACC-2: the current password and the new one twice change it; the old one stops working, the holder is told (password_changed)', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const done = await changePassword(browser, h.password, NEW_PASSWORD);
    expect(done.postStatus).toBe(303);
    expect(done.heading).toBe('Gestione CieID');
    expect(done.text).toContain('La password è stata modificata.');
    expect((await checkPassword(testEnv, h.serial, NEW_PASSWORD)).outcome).toBe('ok');
    expect((await checkPassword(testEnv, h.serial, h.password)).outcome).toBe('wrong');
    const [notice] = await outbox(h.citizen.phone);
    expect(notice!.text).toContain('la password delle tue credenziali è stata modificata');
    expect(notice!.code).toBeNull();
  });

  it('R-ACT-5: a new password outside the policy, or two that differ, are refused before the current one is tried', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const weak = await changePassword(browser, h.password, 'corta');
    expect(weak.status).toBe(400);
    expect(weak.alert).toContain('La password deve avere da 10 a 20 caratteri');
    expect(weak.html).toMatch(/id="nuova"[^>]*aria-invalid="true"/);
    const differ = await changePassword(browser, h.password, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(differ.status).toBe(400);
    expect(differ.alert).toContain('Le due nuove password non coincidono');
    expect((await cardObject(testEnv, h.serial).passwordFailures()).failures).toBe(0);
    expect((await checkPassword(testEnv, h.serial, h.password)).outcome).toBe('ok');
  });

  it('R-ACC-2, R-LOG-8: a wrong current password is refused and counted like a login’s; past the free attempts the throttle answers 429', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const wrong = await changePassword(browser, 'Sbagliata#123', NEW_PASSWORD);
    expect(wrong.status).toBe(400);
    expect(wrong.alert).toContain('La password attuale non è corretta.');
    expect((await cardObject(testEnv, h.serial).passwordFailures()).failures).toBe(1);
    let last: Page = wrong;
    for (let i = 0; i < 4 && last.status !== 429; i++) last = await changePassword(browser, 'Sbagliata#123', NEW_PASSWORD);
    expect(last.status).toBe(429);
    expect(last.alert).toContain('Troppi tentativi');
    expect((await checkPassword(testEnv, h.serial, NEW_PASSWORD)).outcome).not.toBe('ok');
  });

  it('R-ACC-2: none of the last 5 passwords, the current one included; the sixth back is allowed again', async () => {
    const h = await holder({ password: 'Primaria#01a2' });
    const { browser } = await inArea(h);
    const same = await changePassword(browser, h.password, h.password);
    expect(same.status).toBe(400);
    expect(same.alert).toContain('La nuova password non può essere una delle ultime 5 password usate.');
    const passwords = ['Primaria#01a2', 'Seconda#02b3x', 'Terza#03c4xyz', 'Quarta#04d5xy', 'Quinta#05e6xy', 'Sesta#06f7xyz'];
    for (let i = 1; i < passwords.length; i++) {
      const res = await changePassword(browser, passwords[i - 1]!, passwords[i]!);
      expect(res.postStatus, `to ${passwords[i]}`).toBe(303);
    }
    for (const old of passwords.slice(1)) {
      const again = await changePassword(browser, 'Sesta#06f7xyz', old);
      expect(again.alert, old).toContain('una delle ultime 5');
    }
    expect((await changePassword(browser, 'Sesta#06f7xyz', 'Primaria#01a2')).postStatus).toBe(303);
  });

  it('a post without the session’s CSRF token changes nothing (403)', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const form = await browser.open('/area-personale/password');
    const forged = await browser.submit(
      form,
      'Modifica Password',
      { 'Password attuale': h.password, 'Nuova password': NEW_PASSWORD, 'Conferma nuova password': NEW_PASSWORD },
      { raw: { csrf: 'x'.repeat(43) } },
    );
    expect(forged.status).toBe(403);
    expect((await checkPassword(testEnv, h.serial, h.password)).outcome).toBe('ok');
  });
});

describe('personal area: the level 2 mode switch (R-ACC-3)', () => {
  it('R-ACC-3: the page asks for the SMS code sent to the phone on record, then switches; the holder is told (mode_changed)', async () => {
    const h = await holder({ mode: 'sms' });
    const { browser, gestione } = await inArea(h);
    expect(gestione.html).toContain('href="/area-personale/modalita"');
    const choice = await browser.open('/area-personale/modalita');
    expect(choice.text).toContain("Modalità attuale: Utilizza l'invio OTP tramite SMS");
    const codePage = await browser.submit(choice, "Passa all'App CieID");
    expect(codePage.postStatus).toBe(303);
    expect(codePage.text).toContain('Abbiamo inviato un codice');
    const code = await latestCode(h.citizen.phone);
    const flowPath = /action="(\/area-personale\/modalita\/[A-Za-z0-9_-]{43})"/.exec(codePage.html)![1]!;
    const wrong = await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': String((Number(code) + 1) % 10_000).padStart(4, '0') });
    expect(wrong.status).toBe(400);
    expect(wrong.alert).toContain('Tentativi rimasti: 4');
    expect((await cardView(h.serial)).credentials?.mode).toBe('sms');
    const done = await browser.submit(wrong, 'Conferma', { 'Codice di verifica OTP': code });
    expect(done.postStatus).toBe(303);
    expect(done.text).toContain('La modalità di utilizzo delle credenziali è stata modificata.');
    expect(done.text).toContain("Utilizza l'App CieID");
    expect((await cardView(h.serial)).credentials?.mode).toBe('app');
    expect((await outbox(h.citizen.phone))[0]!.text).toContain("si autorizzano con l'App CieID");
    // The code is single use: the flow is gone.
    const again = await browser.post(flowPath, new URLSearchParams({ csrf: done.csrf, otp: code }));
    expect(again.status).toBe(410);
  });

  it('R-ACC-3: another identity’s mode change is not this session’s to confirm', async () => {
    const a = await holder({ mode: 'sms' });
    const b = await holder({ mode: 'sms' });
    const areaA = await inArea(a);
    const areaB = await inArea(b);
    const codePage = await areaB.browser.submit(await areaB.browser.open('/area-personale/modalita'), "Passa all'App CieID");
    const flowPath = /action="(\/area-personale\/modalita\/[A-Za-z0-9_-]{43})"/.exec(codePage.html)![1]!;
    const code = await latestCode(b.citizen.phone);
    const res = await areaA.browser.post(flowPath, new URLSearchParams({ csrf: areaA.gestione.csrf, otp: code }));
    expect(res.status).toBe(410);
    expect((await cardView(b.serial)).credentials?.mode).toBe('sms');
    expect((await cardView(a.serial)).credentials?.mode).toBe('sms');
  });
});

describe('personal area: the email (issue 13 §2)', () => {
  it('adds an email with a code sent to it; the address becomes a username and the holder is told there', async () => {
    const h = await holder();
    const { browser, gestione } = await inArea(h);
    expect(gestione.html).toContain('href="/area-personale/email">Aggiungi email');
    const form = await browser.open('/area-personale/email');
    expect(form.heading).toBe('Aggiungi email');
    const address = `nuova.${h.serial.toLowerCase()}@example.it`;
    const codePage = await browser.submit(form, 'Invia codice', { 'Nuovo indirizzo email': `  ${address.toUpperCase()} ` });
    expect(codePage.postStatus).toBe(303);
    expect(codePage.text).toContain(address);
    const code = await latestCode(address);
    const done = await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': code });
    expect(done.text).toContain('L’indirizzo email è stato verificato e salvato.');
    expect(done.text).toContain(`Email ${address}`);
    expect(done.text).toContain('Modifica email');
    expect(await directoryFor(testEnv).resolveUsername(address)).toBe(h.serial);
    const [notice] = await outbox(address);
    expect(notice!.text).toContain(`ora è ${address}`);
  });

  it('adding an email is told by SMS to the phone on record too, not only to the address just added (a hijacked session must not be the only one to hear)', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const address = `aggiunta.${h.serial.toLowerCase()}@example.it`;
    const codePage = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': address });
    await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': await latestCode(address) });
    const [sms] = await outbox(h.citizen.phone);
    expect(sms!.channel).toBe('sms');
    expect(sms!.text).toContain(`ora è ${address}`);
    expect(sms!.code).toBeNull();
  });

  it('changes it: the old username goes, the old and the new address are both told', async () => {
    const h = await holder();
    const { browser } = await inArea(h);
    const first = `uno.${h.serial.toLowerCase()}@example.it`;
    const second = `due.${h.serial.toLowerCase()}@example.it`;
    for (const address of [first, second]) {
      const codePage = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': address });
      await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': await latestCode(address) });
    }
    expect((await cardView(h.serial)).credentials?.verifiedEmail).toBe(second);
    expect(await directoryFor(testEnv).resolveUsername(first)).toBeNull();
    expect(await directoryFor(testEnv).resolveUsername(second)).toBe(h.serial);
    expect((await outbox(first))[0]!.text).toContain(`ora è ${second}`);
    expect((await outbox(second))[0]!.text).toContain(`ora è ${second}`);
    expect((await outbox(h.citizen.phone))[0]!.text).toContain(`ora è ${second}`);
  });

  it('an address that is another identity’s username gets its code like any other — the form says nothing — and is refused only at the code, without saying whose; an invalid one at once', async () => {
    const owner = await holder();
    const taken = `presa.${owner.serial.toLowerCase()}@example.it`;
    expect(await directoryFor(testEnv).claimEmail(taken, owner.citizen.fiscalCode)).toBe(true);
    const h = await holder();
    const { browser } = await inArea(h);
    const free = `libera.${h.serial.toLowerCase()}@example.it`;
    const asked = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': free });
    const codePage = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': taken });
    // The same answer as for a free address: whose username an address is cannot be asked here.
    expect([codePage.postStatus, codePage.status, codePage.heading]).toEqual([asked.postStatus, asked.status, asked.heading]);
    expect(codePage.text.replace(taken, '<address>')).toBe(asked.text.replace(free, '<address>'));
    // Only the mailbox's owner has the code, and only then is the address refused.
    const refused = await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': await latestCode(taken) });
    expect(refused.status).toBe(409);
    expect(refused.alert).toBe('Questo indirizzo email non può essere usato: scegline un altro.');
    expect(refused.text).not.toContain(owner.citizen.familyName);
    expect(await directoryFor(testEnv).resolveUsername(taken)).toBe(owner.serial);
    expect((await cardView(h.serial)).credentials?.verifiedEmail).toBeNull();
    const invalid = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': 'non-un-indirizzo' });
    expect(invalid.status).toBe(400);
    expect(invalid.alert).toContain('Inserisci un indirizzo email valido.');
  });

  it('an address taken by another identity between the code and its confirmation is refused then, and nothing moves', async () => {
    const h = await holder();
    const other = await holder();
    const { browser } = await inArea(h);
    const address = `corsa.${h.serial.toLowerCase()}@example.it`;
    const codePage = await browser.submit(await browser.open('/area-personale/email'), 'Invia codice', { 'Nuovo indirizzo email': address });
    expect(await directoryFor(testEnv).claimEmail(address, other.citizen.fiscalCode)).toBe(true);
    const res = await browser.submit(codePage, 'Conferma', { 'Codice di verifica OTP': await latestCode(address) });
    expect(res.status).toBe(409);
    expect((await cardView(h.serial)).credentials?.verifiedEmail).toBeNull();
    expect(await directoryFor(testEnv).resolveUsername(address)).toBe(other.serial);
  });
});

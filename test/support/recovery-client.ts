import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { Browser, type Page } from './activation-client';
import { call } from './worker';
import { env } from './login-client';
import { cardObject } from '../../functions/platform/objects';

/**
 * The recoveries as a citizen's browser goes through them (docs/recovery.md). A code is handed to the
 * notifier after the answer (recovery/codes.ts), so the outbox is polled for it.
 */
export interface OutboxEntry {
  code: string | null;
  text: string;
  channel: string;
}

export async function outbox(to: string): Promise<OutboxEntry[]> {
  return (await (await call(`/__test/outbox?to=${encodeURIComponent(to)}`)).json()) as OutboxEntry[];
}

/** The newest message to `to` once there are more than `before`; throws after a second without one. */
export async function nextMessage(to: string, before: number): Promise<OutboxEntry> {
  for (let i = 0; i < 100; i++) {
    const messages = await outbox(to);
    if (messages.length > before) return messages[0]!;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no new message to ${to} (still ${before})`);
}

export async function nextCode(to: string, before: number): Promise<string> {
  const message = await nextMessage(to, before);
  if (!message.code) throw new Error(`the newest message to ${to} carries no code: ${message.text}`);
  return message.code;
}

/** Lets any send handed to waitUntil land before a test says nothing was sent. */
export const settle = () => new Promise((r) => setTimeout(r, 100));

export const USERNAME = 'Numero CIE o Codice fiscale o Email';
export const OTP = 'Codice di verifica OTP';

/** "Hai dimenticato la password?": the form, then the username posted. */
export async function askNewPassword(username: string, browser = new Browser(), path = '/recupero-password'): Promise<{ browser: Browser; page: Page }> {
  const form = await browser.open(path);
  if (form.status !== 200) throw new Error(`${path} answered ${form.status}`);
  return { browser, page: await browser.submit(form, 'Continua', { [USERNAME]: username }) };
}

export async function askPuk(fiscalCode: string, serial: string, browser = new Browser()): Promise<{ browser: Browser; page: Page }> {
  const form = await browser.open('/recupero-puk');
  return { browser, page: await browser.submit(form, 'Continua', { 'Codice Fiscale': fiscalCode, 'Numero di serie': serial }) };
}

/**
 * The Card's alarm as the runtime would run it at `releaseAt`: the stored release moved into the past,
 * the alarm set a minute on (so the runtime does not run it first) and run at once by the test helper.
 */
export async function releaseNow(serial: string): Promise<boolean> {
  const stub = cardObject(env, serial);
  await runInDurableObject(stub, async (_instance, state) => {
    state.storage.sql.exec('UPDATE puk_recovery SET release_at = ? WHERE id = 1', Date.now() - 1);
    await state.storage.setAlarm(Date.now() + 60_000);
  });
  return runDurableObjectAlarm(stub);
}

export async function scheduledAlarm(serial: string): Promise<number | null> {
  return runInDurableObject(cardObject(env, serial), (_i, state) => state.storage.getAlarm());
}

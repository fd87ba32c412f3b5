import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { openAreaSession, AREA_COOKIE } from '../../functions/account/area/session';
import { Browser, type Page } from './activation-client';
import { call } from './worker';
import type { TestRp } from './rp';

/**
 * For the tests of revocation and level 3 suspension (R-ACC-4): an area session for a holder, the
 * pages' texts, what the relying parties see of their tokens, and the notices in the outbox.
 */

export const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent login' };

/**
 * A browser already in the personal area of `h`, its session opened as the area's login opens it
 * (functions/account/area/session.ts openAreaSession): the login itself is tested with the area.
 */
export async function inArea(h: { serial: string; citizen: { fiscalCode: string } }, authTime = Date.now()): Promise<Browser> {
  const session = await openAreaSession(env, { serial: h.serial, fiscalCode: h.citizen.fiscalCode, authTime });
  if (!session) throw new Error('no area session');
  const browser = new Browser();
  browser.cookies.set(AREA_COOKIE, session.id);
  return browser;
}

export const REVOKE_BUTTON = 'Revoca livello 1 e livello 2';
export const CURRENT_PASSWORD = 'Password attuale';

/** GET /area-personale/revoca, then the button with the password typed. */
export async function revokeInArea(browser: Browser, password: string): Promise<Page> {
  const confirm = await browser.open('/area-personale/revoca');
  expect(confirm.status).toBe(200);
  return browser.submit(confirm, REVOKE_BUTTON, { [CURRENT_PASSWORD]: password });
}

export const introspect = async (rp: TestRp, token: string) => ((await (await rp.post('/oidc/introspect', { token })).json()) as { active: boolean }).active;
export const userinfoStatus = async (token: string) => (await call('/oidc/userinfo', { headers: { Authorization: `Bearer ${token}` } })).status;
export async function refreshAnswer(
  rp: TestRp,
  refreshToken: string,
): Promise<{ status: number; error?: string; refresh_token?: string; access_token?: string }> {
  const res = await rp.refresh(refreshToken);
  return { status: res.status, ...((await res.json()) as Record<string, string>) };
}

/**
 * The newest message to `to` containing `fragment`: notices are sent after the answer (waitUntil), so
 * the outbox is read a few times before giving up.
 */
export async function noticeTo(to: string, fragment: string): Promise<string | null> {
  for (let i = 0; i < 40; i++) {
    const messages = (await (await call(`/__test/outbox?to=${encodeURIComponent(to)}`)).json()) as { text: string }[];
    const found = messages.find((m) => m.text.includes(fragment));
    if (found) return found.text;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

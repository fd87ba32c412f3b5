import { describe, expect, it } from 'vitest';
import { latestCode } from '../support/activation-client';
import { cardSql } from '../support/activation-state';
import { OTP_LABEL, accessLog, holder, openLogin, rpRedirect, signIn, type Holder } from '../support/login-client';
import { registry } from '../support/worker';

const WRONG = 'Credenziali non valide: controlla il nome utente e la password e riprova.';

/** Signs in with the right password; expects the refusal page and goes back to the service. */
async function refusedWith(h: Holder, acr: 1 | 2 = 2) {
  const login = await openLogin({ acr });
  const page = await signIn(login, h.citizen.fiscalCode, h.password);
  const back = await login.browser.submit(page, 'Torna al servizio');
  return { login, page, params: rpRedirect(back) };
}

describe('login refusals after a right password (R-CARD-3, R-CARD-4, C-21)', () => {
  it('R-CARD-3: a blocked card is refused with a clear page, and the service gets access_denied', async () => {
    const h = await holder();
    expect((await registry(`/cards/${h.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const { login, page, params } = await refusedWith(h);
    expect(page.status).toBe(403);
    expect(page.text).toContain('Accesso non consentito');
    expect(page.text).toContain('La tua carta è bloccata');
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe(login.request.state);
    expect(params.get('code')).toBeNull();
  });

  it('R-CARD-3: a blocked card with a wrong password gets the ordinary wrong-password answer', async () => {
    const h = await holder();
    await registry(`/cards/${h.serial}/block`, { reason: 'lost' });
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.citizen.fiscalCode, 'Sbagliata!1');
    expect(page.status).toBe(400);
    expect(page.alert).toBe(WRONG);
    expect(page.text).not.toContain('bloccata');
  });

  it('R-CARD-3: a card blocked while the citizen is on the consent page is refused at Prosegui', async () => {
    const h = await holder();
    const login = await openLogin({ acr: 1 });
    const consent = await signIn(login, h.citizen.fiscalCode, h.password);
    expect(consent.text).toContain('I seguenti dati stanno per essere inviati a');
    await registry(`/cards/${h.serial}/block`, { reason: 'lost' });
    const refused = await login.browser.submit(consent, 'Prosegui');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('La tua carta è bloccata');
    expect(rpRedirect(await login.browser.submit(refused, 'Torna al servizio')).get('error')).toBe('access_denied');
  });

  it('R-CARD-2, R-CARD-3: an expired card is refused', async () => {
    const h = await holder();
    await cardSql(h.serial, `UPDATE card SET record = json_set(record, '$.expiresAt', ?)`, Date.now() - 2 * 86_400_000);
    const { page, params } = await refusedWith(h);
    expect(page.text).toContain('La tua carta è scaduta');
    expect(params.get('error')).toBe('access_denied');
  });

  it('R-PUK-3: a card blocked for digital identity is refused for good', async () => {
    const h = await holder();
    await cardSql(h.serial, `UPDATE card SET status = 'puk_blocked'`);
    const { page, params } = await refusedWith(h, 1);
    expect(page.text).toContain('bloccata definitivamente');
    expect(params.get('error')).toBe('access_denied');
  });

  it('R-CARD-7: a superseded card is refused, and once replaced its serial authenticates nobody', async () => {
    const h = await holder();
    await cardSql(h.serial, `UPDATE card SET status = 'superseded'`);
    const login = await openLogin({ acr: 2 });
    const page = await signIn(login, h.serial, h.password);
    expect(page.status).toBe(403);
    expect(page.text).toContain('sostituita');

    const g = await holder();
    expect((await registry('/cards', { ...g.citizen, phone: g.citizen.phone })).status).toBe(201);
    const again = await openLogin({ acr: 2 });
    const old = await signIn(again, g.serial, g.password);
    expect(old.status).toBe(400);
    expect(old.alert).toBe(WRONG);
  });

  it('R-CARD-4: a holder under 5 is refused, and the refusal is in the access log', async () => {
    const h = await holder({ age: 4 });
    const { page, params } = await refusedWith(h, 1);
    expect(page.text).toContain('minori di 5 anni');
    expect(params.get('error')).toBe('access_denied');
    const [entry] = await accessLog(h.serial);
    expect(entry).toMatchObject({ outcome: 'card_refused', reason: 'underage' });
  });

  it('R-CARD-4: a minor from 5 to 18 logs in at level 2', async () => {
    const h = await holder({ age: 12 });
    const login = await openLogin({ acr: 2 });
    const otp = await signIn(login, h.citizen.fiscalCode, h.password);
    const consent = await login.browser.submit(otp, 'Prosegui', { [OTP_LABEL]: await latestCode(h.citizen.phone) });
    const params = rpRedirect(await login.browser.submit(consent, 'Prosegui'));
    expect(params.get('code')).toBeTruthy();
  });
});

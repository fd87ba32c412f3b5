import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { GDPR, GOOD_PASSWORD, flowIdOf, issueCard, walkTo } from '../support/activation-client';
import { cardView, flowSql } from '../support/activation-state';
import { verifyPassword } from '../../functions/platform/password-hash';

const PW = 'Scegli Password';
const CONFIRM = 'Conferma Password';

async function passwordStep() {
  const card = await issueCard();
  return { card, ...(await walkTo(card, 'password')) };
}

describe('step 2.3: the password (R-ACT-5)', () => {
  it('R-ACT-5: lists every broken criterion at once, in Italian', async () => {
    const { browser, page } = await passwordStep();
    const res = await browser.submit(page, 'Continua', { [PW]: 'aaa', [CONFIRM]: 'aaa', [GDPR]: true });
    expect(res.status).toBe(400);
    expect(res.heading).toBe('2.3 Crea Credenziali');
    const alert = res.alert!;
    expect(alert).toContain('La password deve avere da 10 a 20 caratteri');
    expect(alert).toContain('Manca una lettera maiuscola');
    expect(alert).toContain('Manca un numero');
    expect(alert).toContain('Manca un simbolo');
    expect(alert).toContain('Non sono ammessi più di 2 caratteri uguali consecutivi');
    expect(alert).not.toContain('Manca una lettera minuscola');
  });

  it.each([
    ['too short', 'Ab1!efgh', 'da 10 a 20 caratteri'],
    ['too long', 'Ab1!efghijklmnopqrstu', 'da 10 a 20 caratteri'],
    ['no upper-case letter', 'ab1!efghijk', 'maiuscola'],
    ['no lower-case letter', 'AB1!EFGHIJK', 'minuscola'],
    ['no digit', 'Abc!efghijk', 'numero'],
    ['no symbol', 'Abc1efghijk', 'simbolo'],
    ['three equal characters in a row', 'Abc1!eeefgh', 'caratteri uguali consecutivi'],
  ])('R-ACT-5: refuses a password with %s', async (_what, password, message) => {
    const { browser, page } = await passwordStep();
    const res = await browser.submit(page, 'Continua', { [PW]: password, [CONFIRM]: password, [GDPR]: true });
    expect(res.status).toBe(400);
    expect(res.alert).toContain(message);
  });

  it('R-ACT-5: the confirmation must match and the passwords are never sent back', async () => {
    const { browser, page } = await passwordStep();
    const res = await browser.submit(page, 'Continua', { [PW]: GOOD_PASSWORD, [CONFIRM]: `${GOOD_PASSWORD}x`, [GDPR]: true });
    expect(res.status).toBe(400);
    expect(res.alert).toContain('Le due password non coincidono');
    expect(res.html).not.toContain(GOOD_PASSWORD);
    expect(res.field(PW).value).toBe('');
    expect(res.field(CONFIRM).value).toBe('');
    expect(res.field(GDPR).checked).toBe(true);
  });

  it('R-ACT-5: the GDPR notice must be acknowledged', async () => {
    const { browser, page } = await passwordStep();
    const res = await browser.submit(page, 'Continua', { [PW]: GOOD_PASSWORD, [CONFIRM]: GOOD_PASSWORD });
    expect(res.status).toBe(400);
    expect(res.alert).toContain('Informativa');
    expect(res.field(GDPR).checked).toBe(false);
    expect(res.html).not.toContain(GOOD_PASSWORD);
  });

  it('R-ACT-5: a huge password is refused without a 500', async () => {
    const { browser, page } = await passwordStep();
    const huge = `Aa1!${'xy'.repeat(5_000)}`;
    const res = await browser.submit(page, 'Continua', { [PW]: huge, [CONFIRM]: huge, [GDPR]: true });
    expect(res.status).toBe(400);
    expect(res.alert).toContain('da 10 a 20 caratteri');
  });

  it('R-ACT-5: a good password moves on, and the flow keeps only its peppered PBKDF2 hash', async () => {
    const { browser, page } = await passwordStep();
    const res = await browser.submit(page, 'Continua', { [PW]: GOOD_PASSWORD, [CONFIRM]: GOOD_PASSWORD, [GDPR]: true });
    expect(res.heading).toBe('Scegli come autorizzare i tuoi accessi online');
    const [row] = await flowSql(flowIdOf(browser), 'SELECT data FROM flow');
    const raw = String(row!.data);
    expect(raw).not.toContain(GOOD_PASSWORD);
    const hash = JSON.parse(raw).passwordHash as string;
    expect(hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(await verifyPassword(env.PEPPER!, GOOD_PASSWORD, hash)).toBe(true);
  });

  it('R-ACT-5: the usernames are shown on the password page', async () => {
    const { card, page } = await passwordStep();
    expect(page.text).toContain(card.citizen.fiscalCode);
    expect(page.text).toContain(card.serial);
  });
});

describe('step 3: the level 2 mode (R-ACT-6)', () => {
  it('R-ACT-6: a missing or unknown mode is refused and nothing is saved', async () => {
    const card = await issueCard();
    const { browser, page } = await walkTo(card, 'configura');
    expect(page.hasButton('Scegli App CieID')).toBe(true);
    expect(page.hasButton('Scegli SMS')).toBe(true);
    const none = await browser.submit(page, 'Scegli SMS', {}, { raw: { mode: null } });
    expect(none.status).toBe(400);
    expect(none.alert).toContain('App CieID oppure SMS');
    const bogus = await browser.submit(page, 'Scegli App CieID', {}, { raw: { mode: 'fax' } });
    expect(bogus.status).toBe(400);
    expect((await cardView(card.serial)).credentials).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { CodiceFiscale } from '../../functions/core/codice-fiscale-lib';
import { registry } from '../support/worker';
import { type CitizenData, newCitizen, randomPhone } from '../support/citizens';
import { romeToday } from '../support/rome';

interface Issued {
  serial: string;
  pin: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
  expiresAt: string;
}

async function issue(citizen: CitizenData | Record<string, unknown>): Promise<Issued> {
  const res = await registry('/cards', citizen);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Issued;
}

async function cardStatus(serial: string): Promise<string> {
  const res = await registry(`/cards/${serial}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string }).status;
}

/** A citizen born on an exact date (for ages around a birthday). */
function bornOn(birth: Date): CitizenData {
  const base = newCitizen();
  const birthDate = birth.toISOString().slice(0, 10);
  const fiscalCode = CodiceFiscale.compute({
    name: base.givenName,
    surname: base.familyName,
    gender: 'F',
    day: birth.getUTCDate(),
    month: birth.getUTCMonth() + 1,
    year: birth.getUTCFullYear(),
    birthplace: 'Milano',
    birthplaceProvincia: 'MI',
  });
  return { ...base, birthDate, fiscalCode };
}

/** Today in Rome plus `years`, on the same day, 29 February becoming 28. */
function inYears(years: number): string {
  const now = romeToday();
  const y = now.getUTCFullYear() + years;
  const lastDay = new Date(Date.UTC(y, now.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, now.getUTCMonth(), Math.min(now.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}

describe('registry API: issuing a card (R-CARD-1, R-CARD-6)', () => {
  it("R-CARD-1: 201 with the serial, PIN and PUK split into receipt and letter, and the card's Location", async () => {
    const citizen = newCitizen();
    const res = await registry('/cards', citizen);
    expect(res.status).toBe(201);
    const card = (await res.json()) as Issued;
    expect(card.serial).toMatch(/^CA[0-9]{5}[A-Z]{2}$/);
    expect(res.headers.get('Location')).toBe(`/registry/cards/${card.serial}`);
    expect(card.pin).toMatch(/^[0-9]{8}$/);
    expect(card.puk).toMatch(/^[0-9]{8}$/);
    expect(card.receipt.pinFirstHalf + card.letter.pinSecondHalf).toBe(card.pin);
    expect(card.receipt.pukFirstHalf + card.letter.pukSecondHalf).toBe(card.puk);
    const view = await registry(`/cards/${card.serial}`);
    expect(await view.json()).toMatchObject({
      serial: card.serial,
      fiscalCode: citizen.fiscalCode,
      givenName: citizen.givenName,
      familyName: citizen.familyName,
      birthDate: citizen.birthDate,
      status: 'issued',
      blockedReason: null,
      pukFailures: 0,
      credentials: null,
      expiresAt: card.expiresAt,
    });
  });

  it('R-CARD-1: the codice fiscale is stored normalised (upper case, no spaces)', async () => {
    const citizen = newCitizen();
    const spaced = `${citizen.fiscalCode.slice(0, 6)} ${citizen.fiscalCode.slice(6)}`.toLowerCase();
    const card = await issue({ ...citizen, fiscalCode: ` ${spaced} ` });
    const view = (await (await registry(`/cards/${card.serial}`)).json()) as { fiscalCode: string };
    expect(view.fiscalCode).toBe(citizen.fiscalCode);
  });

  it('R-CARD-1: every card gets its own serial', async () => {
    const serials = await Promise.all(Array.from({ length: 10 }, async () => (await issue(newCitizen())).serial));
    expect(new Set(serials).size).toBe(10);
  });
});

describe('registry API: validity by age in the 201 response (R-CARD-2)', () => {
  for (const [age, years] of [
    [0, 3],
    [2, 3],
    [3, 5],
    [17, 5],
    [18, 10],
    [40, 10],
  ] as const) {
    it(`R-CARD-2: age ${age} → expires in ${years} years`, async () => {
      const card = await issue(newCitizen({ age }));
      expect(card.expiresAt).toBe(inYears(years));
    });
  }

  it('R-CARD-2: 18 tomorrow → 5 years; 18 since yesterday → 10 years', async () => {
    const now = romeToday();
    const eighteenTomorrow = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() + 1));
    const eighteenYesterday = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate() - 1));
    expect((await issue(bornOn(eighteenTomorrow))).expiresAt).toBe(inYears(5));
    expect((await issue(bornOn(eighteenYesterday))).expiresAt).toBe(inYears(10));
  });
});

describe('registry API: one mobile number per identity (R-CARD-5)', () => {
  it('R-CARD-5: a number bound to another identity is 409 naming the phone', async () => {
    const first = newCitizen();
    await issue(first);
    const res = await registry('/cards', { ...newCitizen(), phone: first.phone });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: string; problems: Array<{ field: string }> };
    expect(body.error).toBe('conflict');
    expect(body.problems.map((p) => p.field)).toEqual(['phone']);
  });

  it('R-CARD-5: the same number spelled differently is the same number', async () => {
    const first = newCitizen();
    await issue(first);
    const national = first.phone.replace('+39', '');
    const spelled = `0039 ${national.slice(0, 3)} ${national.slice(3)}`;
    expect((await registry('/cards', { ...newCitizen(), phone: spelled })).status).toBe(409);
    expect((await registry('/cards', { ...newCitizen(), phone: national })).status).toBe(409);
  });

  it('R-CARD-5: the same number for a renewal of the same holder is fine', async () => {
    const citizen = newCitizen();
    const first = await issue(citizen);
    const second = await issue(citizen);
    expect(second.serial).not.toBe(first.serial);
  });

  it('R-CARD-5: a renewal with a new number frees the old one and holds the new one', async () => {
    const citizen = newCitizen();
    await issue(citizen);
    const newPhone = randomPhone();
    await issue({ ...citizen, phone: newPhone });
    expect((await registry('/cards', { ...newCitizen(), phone: newPhone })).status).toBe(409);
    expect((await registry('/cards', { ...newCitizen(), phone: citizen.phone })).status).toBe(201);
  });

  it('R-CARD-5: of identities racing for one number, exactly one gets it', async () => {
    const phone = randomPhone();
    const results = await Promise.all(Array.from({ length: 8 }, () => registry('/cards', { ...newCitizen(), phone })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });
});

describe('registry API: a new card supersedes the old (R-CARD-7)', () => {
  it('R-CARD-7: after a renewal the old serial shows status superseded, the new one issued', async () => {
    const citizen = newCitizen();
    const old = await issue(citizen);
    const renewed = await issue(citizen);
    expect(await cardStatus(old.serial)).toBe('superseded');
    expect(await cardStatus(renewed.serial)).toBe('issued');
  });

  it('R-CARD-7: a third card supersedes the second, and the first stays superseded', async () => {
    const citizen = newCitizen();
    const a = await issue(citizen);
    const b = await issue(citizen);
    const c = await issue(citizen);
    expect([await cardStatus(a.serial), await cardStatus(b.serial), await cardStatus(c.serial)]).toEqual(['superseded', 'superseded', 'issued']);
  });

  it('R-CARD-7: a blocked card is superseded by its replacement, keeping its blocked reason', async () => {
    const citizen = newCitizen();
    const lost = await issue(citizen);
    expect((await registry(`/cards/${lost.serial}/block`, { reason: 'lost' })).status).toBe(200);
    await issue(citizen);
    const view = (await (await registry(`/cards/${lost.serial}`)).json()) as { status: string; blockedReason: string };
    expect(view).toMatchObject({ status: 'superseded', blockedReason: 'lost' });
  });

  it("R-CARD-7: another holder's card is not touched", async () => {
    const a = await issue(newCitizen());
    await issue(newCitizen());
    expect(await cardStatus(a.serial)).toBe('issued');
  });
});

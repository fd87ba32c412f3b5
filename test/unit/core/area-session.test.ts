import { describe, expect, it } from 'vitest';
import { AREA_SESSION_FLOW, AREA_SESSION_IDLE_MS, areaIdentityOf, areaSessionStands } from '../../../functions/core/area-session';
import { FISCAL_NUMBER } from '../../../functions/core/oidc-claims';
import { checkedMove } from '../../../functions/core/flows';

const CF = 'RSSMRA85H15H501D';
const claims = (over: Record<string, unknown> = {}) => ({
  sub: 'x',
  auth_time: 1_780_000_000,
  [FISCAL_NUMBER]: `TINIT-${CF}`,
  document_details: { type: 'cartaIdentita', document_number: 'CA12345AB' },
  ...over,
});

describe('the personal area session (issue 13 §1)', () => {
  it('is a flow of its own kind, 15 minutes idle, whose one move is to itself and writes nothing', () => {
    expect(AREA_SESSION_FLOW.type).toBe('area-session');
    expect(AREA_SESSION_IDLE_MS).toBe(15 * 60_000);
    expect(AREA_SESSION_FLOW.idleMs).toBe(AREA_SESSION_IDLE_MS);
    expect(checkedMove(AREA_SESSION_FLOW, 'open', 'open')).toEqual({ from: 'open', to: 'open', patch: {} });
    expect(() => checkedMove(AREA_SESSION_FLOW, 'open', 'open', { serial: 'CA00000ZZ' })).toThrow(/may not write serial/);
  });

  it('takes the identity from the ID token: serial from document_details, codice fiscale from the fiscal number, auth_time in ms', () => {
    expect(areaIdentityOf(claims())).toEqual({ serial: 'CA12345AB', fiscalCode: CF, authTime: 1_780_000_000_000 });
  });

  it('opens nothing on a token it cannot read whole', () => {
    for (const bad of [
      { document_details: undefined },
      { document_details: { document_number: 'not-a-serial' } },
      { document_details: ['CA12345AB'] },
      { [FISCAL_NUMBER]: CF },
      { [FISCAL_NUMBER]: 'TINIT-RSSMRA85H15H501X' },
      { auth_time: '1780000000' },
      { auth_time: -1 },
      { auth_time: undefined },
    ]) {
      expect(areaIdentityOf(claims(bad)), JSON.stringify(bad)).toBeNull();
    }
  });

  it('R-ACC-4: stands only for the same serial and codice fiscale, and only if its login authenticated after the last end of every session', () => {
    const session = { serial: 'CA12345AB', fiscalCode: CF, authTime: 1000, keptAs: 'k1' };
    const card = { serial: 'CA12345AB', fiscalCode: CF, status: 'active' as const, areaSessionsEndedAt: null, areaSessionKept: null };
    expect(areaSessionStands(session, card)).toBe(true);
    expect(areaSessionStands(session, { ...card, areaSessionsEndedAt: 999 })).toBe(true);
    expect(areaSessionStands(session, { ...card, areaSessionsEndedAt: 1000 })).toBe(false);
    expect(areaSessionStands(session, { ...card, areaSessionsEndedAt: 5000 })).toBe(false);
    expect(areaSessionStands(session, { ...card, fiscalCode: 'VRDLGU80A01H501U' })).toBe(false);
    expect(areaSessionStands(session, { ...card, serial: 'CA54321BA' })).toBe(false);
    expect(areaSessionStands(session, null)).toBe(false);
  });

  it('R-ACC-2: the one session an end kept (the one that changed the password) stands; the others do not', () => {
    const card = { serial: 'CA12345AB', fiscalCode: CF, status: 'active' as const, areaSessionsEndedAt: 5000, areaSessionKept: 'k1' };
    expect(areaSessionStands({ serial: 'CA12345AB', fiscalCode: CF, authTime: 1000, keptAs: 'k1' }, card)).toBe(true);
    expect(areaSessionStands({ serial: 'CA12345AB', fiscalCode: CF, authTime: 1000, keptAs: 'k2' }, card)).toBe(false);
  });

  it('R-CARD-3, R-CARD-7: stands only while the card is in service (blocked, expired, superseded end it)', () => {
    const session = { serial: 'CA12345AB', fiscalCode: CF, authTime: 1000, keptAs: 'k1' };
    const card = { serial: 'CA12345AB', fiscalCode: CF, areaSessionsEndedAt: null, areaSessionKept: null };
    for (const status of ['issued', 'active'] as const) expect(areaSessionStands(session, { ...card, status })).toBe(true);
    for (const status of ['blocked', 'puk_blocked', 'expired', 'superseded'] as const)
      expect(areaSessionStands(session, { ...card, status }), status).toBe(false);
  });
});

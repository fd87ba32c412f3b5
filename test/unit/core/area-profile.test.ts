import { describe, expect, it } from 'vitest';
import { type ProfileFacts, level12Standing, level3Standing, otherMode, profileOutcome } from '../../../functions/core/area-profile';

const active: ProfileFacts = { status: 'active', credentials: { mode: 'sms' }, credentialsRevokedAt: null, level3Suspended: false, certificate: 'x' };

describe('Gestione CieID: what the screen says of the credentials (R-ACC-1)', () => {
  it('R-ACC-1: level 1 and 2 are Attive on an active card with credentials', () => {
    expect(level12Standing(active)).toBe('attive');
  });

  it('R-ACC-1: level 1 and 2 are Revocate once revoked, without credentials, or with the card out of service; Sospese while blocked', () => {
    expect(level12Standing({ ...active, credentialsRevokedAt: 1, credentials: null })).toBe('revocate');
    expect(level12Standing({ ...active, credentials: null })).toBe('revocate');
    expect(level12Standing({ ...active, status: 'expired' })).toBe('revocate');
    expect(level12Standing({ ...active, status: 'superseded' })).toBe('revocate');
    expect(level12Standing({ ...active, status: 'blocked' })).toBe('sospese');
  });

  it('R-ACC-1: level 3 is Sospese when the holder suspended it or the card is blocked, Revocate out of service', () => {
    expect(level3Standing(active)).toBe('attive');
    expect(level3Standing({ ...active, level3Suspended: true })).toBe('sospese');
    expect(level3Standing({ ...active, status: 'blocked' })).toBe('sospese');
    expect(level3Standing({ ...active, status: 'puk_blocked' })).toBe('revocate');
  });

  it('R-ACC-3: the switch offered is always the other mode', () => {
    expect(otherMode('app')).toBe('sms');
    expect(otherMode('sms')).toBe('app');
  });

  it('shows an outcome only from its fixed list', () => {
    expect(profileOutcome('password')).toBe('password');
    expect(profileOutcome('toString')).toBeNull();
    expect(profileOutcome('<script>')).toBeNull();
    expect(profileOutcome(null)).toBeNull();
  });
});

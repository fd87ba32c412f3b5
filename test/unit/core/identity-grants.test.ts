import { describe, expect, it } from 'vitest';
import { grantRefusal, listedUntil, listedUntilAfterRefresh } from '../../../functions/core/identity-grants';
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from '../../../functions/core/oidc-lifetimes';

const now = new Date(Date.UTC(2026, 5, 15));
const card = (over: Record<string, unknown> = {}) => ({
  status: 'active' as const,
  birthDate: '1980-01-10',
  fiscalCode: 'RSSMRA80A10H501X',
  credentialsRevokedAt: null,
  credentialsChangedAt: null,
  level3Suspended: false,
  ...over,
});
const as = (level: 1 | 2 | 3, credentialsCheckedAt = now.getTime()) => ({ fiscalCode: 'RSSMRA80A10H501X', level, credentialsCheckedAt });

describe("R-ACC-4: how long a grant stays on the identity's list", () => {
  it("R-ACC-4: without offline_access, the code's end plus the access token's life; with it, plus the refresh token's", () => {
    expect(listedUntil(1_000, ['openid', 'profile'])).toBe(1_000 + ACCESS_TOKEN_TTL_SECONDS * 1000);
    expect(listedUntil(1_000, ['openid', 'offline_access'])).toBe(1_000 + REFRESH_TOKEN_TTL_SECONDS * 1000);
  });

  it("R-ACC-4: a refresh keeps it listed for the new refresh token's 30 days", () => {
    expect(listedUntilAfterRefresh(5_000)).toBe(5_000 + REFRESH_TOKEN_TTL_SECONDS * 1000);
  });
});

describe('R-ACC-4, R-LVL-4, R-CARD-3: the last check before a grant is listed', () => {
  it('R-ACC-4: a card in service, its own holder, nothing revoked or suspended → a grant at every level', () => {
    for (const level of [1, 2, 3] as const) expect(grantRefusal(card(), as(level), now)).toBeNull();
  });

  it('R-ACC-4: credentials revoked since the password was typed → no grant at level 1 or 2; level 3 (the card) is untouched', () => {
    const revoked = card({ credentialsRevokedAt: 1 });
    expect(grantRefusal(revoked, as(1), now)).toBe('credentials_revoked');
    expect(grantRefusal(revoked, as(2), now)).toBe('credentials_revoked');
    expect(grantRefusal(revoked, as(3), now)).toBeNull();
  });

  it('R-ACC-4: level 3 suspended → no grant at level 3; levels 1 and 2 are untouched', () => {
    const suspended = card({ level3Suspended: true });
    expect(grantRefusal(suspended, as(3), now)).toBe('level3_suspended');
    expect(grantRefusal(suspended, as(2), now)).toBeNull();
  });

  it("R-CARD-3, R-CARD-4: the card's own refusals come first; another holder's outcome is refused", () => {
    expect(grantRefusal(card({ status: 'blocked', level3Suspended: true }), as(3), now)).toBe('blocked');
    expect(grantRefusal(card({ birthDate: '2012-01-10' }), as(3), now)).toBe('level3_minor');
    expect(grantRefusal(card(), { fiscalCode: 'VRDLGU80A10H501X', level: 2, credentialsCheckedAt: now.getTime() }, now)).toBe('other_holder');
  });

  it('R-ACC-2: credentials changed (a new password, a revocation, a new activation) at or after the password was checked → no grant at level 1 or 2', () => {
    const checked = now.getTime() - 60_000;
    const changed = card({ credentialsChangedAt: checked + 1 });
    expect(grantRefusal(changed, as(1, checked), now)).toBe('credentials_changed');
    expect(grantRefusal(changed, as(2, checked), now)).toBe('credentials_changed');
    expect(grantRefusal(card({ credentialsChangedAt: checked }), as(2, checked), now)).toBe('credentials_changed');
    expect(grantRefusal(card({ credentialsChangedAt: checked - 1 }), as(2, checked), now)).toBeNull();
  });

  it('R-ACC-2: a level 3 login proved the card and its PIN, not the password: a password change does not refuse it', () => {
    expect(grantRefusal(card({ credentialsChangedAt: now.getTime() }), as(3, now.getTime() - 60_000), now)).toBeNull();
  });
});

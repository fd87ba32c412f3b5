import { describe, expect, it } from 'vitest';
import { FISCAL_NUMBER, claimValues, parseClaimsParameter, requestedClaims, type Holder } from '../../../functions/core/oidc-claims';
import { acrOf, levelOfAcr, requestedLevel } from '../../../functions/core/acr';
import { s256 } from '../../../functions/core/pkce';

const holder: Holder = {
  serial: 'CA00000AA',
  fiscalCode: 'RSSMRA85H15H501D',
  givenName: 'Mario',
  familyName: 'Rossi',
  birthDate: '1985-06-15',
  phone: '+393331234567',
  email: 'mario@example.it',
  emailVerified: true,
  issuedAt: Date.UTC(2024, 0, 2),
  expiresAt: Date.UTC(2034, 0, 2),
};

describe('core/oidc-claims (C-15, C-32)', () => {
  it('C-32: profile implies the eIDAS minimum dataset, email implies email and email_verified, in both tokens', () => {
    const r = requestedClaims(['openid', 'profile', 'email'], { id_token: [], userinfo: [] });
    expect(r.id_token).toEqual(['given_name', 'family_name', 'birthdate', FISCAL_NUMBER, 'email', 'email_verified']);
    expect(r.userinfo).toEqual(r.id_token);
  });

  it('C-32: only openid implies no claim', () => {
    expect(requestedClaims(['openid'], { id_token: [], userinfo: [] })).toEqual({ id_token: [], userinfo: [] });
  });

  it('C-15: the claims parameter adds per target, as an object or as JSON text', () => {
    const parsed = parseClaimsParameter('{"userinfo":{"phone_number":null,"email":{"essential":true}},"id_token":{"given_name":null}}');
    expect(parsed).toEqual({ ok: true, value: { id_token: ['given_name'], userinfo: ['phone_number', 'email'] } });
    const merged = requestedClaims(['openid', 'profile'], parsed.ok ? parsed.value : { id_token: [], userinfo: [] });
    expect(merged.userinfo).toEqual(['given_name', 'family_name', 'birthdate', FISCAL_NUMBER, 'phone_number', 'email']);
    expect(parseClaimsParameter(undefined)).toEqual({ ok: true, value: { id_token: [], userinfo: [] } });
  });

  it('C-15: malformed JSON, wrong shapes, unknown targets and unknown claim names are refused', () => {
    for (const bad of [
      '{not json',
      '[]',
      42,
      { access_token: { email: null } },
      { userinfo: [] },
      { userinfo: { favourite_colour: null } },
      { userinfo: { email: { essential: 'yes' } } },
      { userinfo: { email: { values: [1] } } },
      'x'.repeat(5000),
    ]) {
      expect(parseClaimsParameter(bad).ok, JSON.stringify(bad).slice(0, 40)).toBe(false);
    }
  });

  it('C-32: values — fiscal number as TINIT-<CF>, email_verified from the record, document details from the card', () => {
    const v = claimValues(['given_name', FISCAL_NUMBER, 'email', 'email_verified', 'phone_number', 'document_details'], holder);
    expect(v[FISCAL_NUMBER]).toBe('TINIT-RSSMRA85H15H501D');
    expect(v.email_verified).toBe(true);
    expect(v.phone_number).toBe('+393331234567');
    expect(v.document_details).toEqual({
      type: 'cartaIdentita',
      document_number: 'CA00000AA',
      issuer: { name: 'MinisteroInterno' },
      date_of_issuance: '2024-01-02',
      date_of_expiry: '2034-01-02',
    });
    expect(claimValues(['email', 'email_verified'], { ...holder, email: null })).toEqual({});
  });
});

describe('core/acr (C-14, R-LVL-4)', () => {
  it('C-14: acr_values names known levels only; the first is the one asked for', () => {
    expect(requestedLevel(acrOf(2))).toBe(2);
    expect(requestedLevel(`${acrOf(3)} ${acrOf(2)}`)).toBe(3);
    expect(requestedLevel('')).toBeNull();
    expect(requestedLevel('https://www.spid.gov.it/SpidL4')).toBeNull();
    expect(requestedLevel(`${acrOf(2)} urn:unknown`)).toBeNull();
    expect(levelOfAcr(acrOf(1))).toBe(1);
  });
});

describe('core/pkce (C-10, C-24)', () => {
  it('S256 matches RFC 7636 appendix B', async () => {
    expect(await s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

import { describe, expect, it } from 'vitest';
import {
  CARD_SIGNED_PREFIX,
  cardAuthRefusal,
  cardSerialOfCertificate,
  cardSignedMessage,
  cardSubject,
  certificateNotAfter,
  certificateNotBefore,
  certificateSerialOf,
  printedName,
  revocationReasonOf,
} from '../../../functions/core/card-auth';
import { isExpired } from '../../../functions/core/card-validity';
import type { CardStatus } from '../../../functions/core/card';

const CHALLENGE = 'q3Bv0yJtZkQb8mD1xN7uLc2WfH5sRa9PeGiTo4YjKlM';
const now = new Date('2026-06-15T10:00:00Z');
const born = (years: number) => `${2026 - years}-01-10`;

describe('core/card-auth: what the card signs (R-LVL-3, docs/level3.md)', () => {
  it('R-LVL-3: the UTF-8 bytes of "cieid-card-auth:v1:<challenge>"', () => {
    expect(new TextDecoder().decode(cardSignedMessage(CHALLENGE))).toBe(`cieid-card-auth:v1:${CHALLENGE}`);
    expect(CARD_SIGNED_PREFIX).toBe('cieid-card-auth:v1:');
  });

  it('R-LVL-3: only a challenge (43 base64url characters) is signed — anything else is a bug of the caller', () => {
    for (const bad of ['', CHALLENGE.slice(1), `${CHALLENGE}A`, `${CHALLENGE.slice(1)}+`, `${CHALLENGE.slice(1)}=`]) {
      expect(() => cardSignedMessage(bad), bad).toThrow(RangeError);
    }
  });
});

describe('core/card-auth: the certificate profile (docs/level3.md)', () => {
  it('R-LVL-3: subject CN, SN, G, serialNumber=TINIT-<CF>, C=IT, names upper case as printed on the card', () => {
    expect(cardSubject({ givenName: 'Maria  Grazia', familyName: "d'Angelo", fiscalCode: 'DNGMGR80A41H501X' })).toEqual([
      ['CN', "MARIA GRAZIA D'ANGELO"],
      ['SN', "D'ANGELO"],
      ['G', 'MARIA GRAZIA'],
      ['serialNumber', 'TINIT-DNGMGR80A41H501X'],
      ['C', 'IT'],
    ]);
    expect(printedName('  nicolò  ')).toBe('NICOLÒ');
  });

  it("R-CARD-1: the certificate's serial is the card serial's ASCII bytes, big-endian", () => {
    expect(certificateSerialOf('CA00000AA')).toBe('434130303030304141');
    expect(cardSerialOfCertificate('434130303030304141')).toBe('CA00000AA');
    expect(cardSerialOfCertificate('434130303030304141'.toUpperCase())).toBe('CA00000AA');
    // A DER INTEGER may carry a leading zero byte; the number is the same.
    expect(cardSerialOfCertificate('00434130303030304141')).toBe('CA00000AA');
    for (const serial of ['CA12345ZZ', 'AB99999CD']) expect(cardSerialOfCertificate(certificateSerialOf(serial))).toBe(serial);
  });

  it('R-CARD-1: a serial number that names no card names none (and is never decoded at any length)', () => {
    for (const hex of ['', '4', '01', '4341303030303041', '43413030303030414141', 'zz', '61613030303030616', '6161303030303061 61', 'ab'.repeat(40)]) {
      expect(cardSerialOfCertificate(hex), hex).toBeNull();
    }
    // Lower-case letters are no serial of ours.
    expect(cardSerialOfCertificate('636130303030306161')).toBeNull();
    expect(() => certificateSerialOf('ca00000aa')).toThrow(RangeError);
  });

  it('R-CARD-2: valid from the issue, to the second, through the last second of the expiry day in Rome', () => {
    expect(certificateNotBefore(Date.parse('2026-06-15T10:00:00.999Z')).toISOString()).toBe('2026-06-15T10:00:00.000Z');
    // Summer time: Rome is UTC+2, the day ends at 21:59:59 UTC.
    expect(certificateNotAfter(Date.UTC(2036, 5, 15)).toISOString()).toBe('2036-06-15T21:59:59.000Z');
    // Winter: UTC+1.
    expect(certificateNotAfter(Date.UTC(2036, 0, 15)).toISOString()).toBe('2036-01-15T22:59:59.000Z');
    // The day summer time ends (25 hours) and the day it starts (23 hours).
    expect(certificateNotAfter(Date.UTC(2036, 9, 26)).toISOString()).toBe('2036-10-26T22:59:59.000Z');
    expect(certificateNotAfter(Date.UTC(2036, 2, 30)).toISOString()).toBe('2036-03-30T21:59:59.000Z');
  });

  it('R-CARD-2: the certificate expires exactly when the card does (core/card-validity.isExpired)', () => {
    for (const expiresAt of [Date.UTC(2036, 5, 15), Date.UTC(2036, 0, 15), Date.UTC(2036, 9, 26), Date.UTC(2036, 2, 30)]) {
      const last = certificateNotAfter(expiresAt).getTime();
      expect(isExpired(expiresAt, last)).toBe(false);
      expect(isExpired(expiresAt, last + 1000)).toBe(true);
    }
  });
});

describe('core/card-auth: the card as the Card object tells it (checks 5 and 6)', () => {
  it.each<CardStatus>(['blocked', 'expired', 'puk_blocked', 'superseded'])('R-CARD-3: a %s card signs for nobody', (status) => {
    expect(cardAuthRefusal({ status, birthDate: born(40) }, now)).toBe(status);
  });

  it('R-CARD-4: a minor never uses the card; at 18 the holder may', () => {
    expect(cardAuthRefusal({ status: 'active', birthDate: born(17) }, now)).toBe('level3_minor');
    expect(cardAuthRefusal({ status: 'active', birthDate: born(4) }, now)).toBe('underage');
    expect(cardAuthRefusal({ status: 'active', birthDate: born(18) }, now)).toBeNull();
    // R-L3-2: level 3 needs no level 1/2 credentials: an issued card qualifies.
    expect(cardAuthRefusal({ status: 'issued', birthDate: born(40) }, now)).toBeNull();
  });

  it("R-ACC-4: a holder who suspended level 3 is refused; the card's own refusal comes first", () => {
    expect(cardAuthRefusal({ status: 'active', birthDate: born(40), level3Suspended: true }, now)).toBe('level3_suspended');
    expect(cardAuthRefusal({ status: 'active', birthDate: born(40), level3Suspended: false }, now)).toBeNull();
    expect(cardAuthRefusal({ status: 'blocked', birthDate: born(40), level3Suspended: true }, now)).toBe('blocked');
  });

  it('R-CARD-3, R-CARD-7, R-PUK-3: which statuses put the certificate on the CRL', () => {
    expect(revocationReasonOf('blocked')).toBe('blocked');
    expect(revocationReasonOf('superseded')).toBe('superseded');
    expect(revocationReasonOf('puk_blocked')).toBe('puk_blocked');
    for (const status of ['issued', 'active', 'expired', 'mystery']) expect(revocationReasonOf(status), status).toBeNull();
  });
});

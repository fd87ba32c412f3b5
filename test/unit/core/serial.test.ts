import { describe, expect, it } from 'vitest';
import { SERIAL_PATTERN, drawSerial, isSerial, normalizeSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { scriptedRandomInt, seededRandomInt } from '../../../test/support/random';

describe('serial number (R-CARD-1)', () => {
  it('R-CARD-1: two letters, five digits, two letters', () => {
    for (const good of ['CA00000AA', 'CA12345ZZ', 'AB99999CD']) expect(isSerial(good), good).toBe(true);
  });

  it('R-CARD-1: anything else is not a serial', () => {
    for (const bad of [
      '',
      'CA0000AA',
      'CA000000AA',
      'C100000AA',
      'CA00000A1',
      'ca00000aa',
      ' CA00000AA',
      'CA00000AA ',
      'CA00000AAA',
      'CA-00000-AA',
      'ÇA00000AA',
      'CA０００００AA',
    ]) {
      expect(isSerial(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('R-CARD-1: input is trimmed and upper-cased before it is judged', () => {
    expect(normalizeSerial('  ca12345ab\n')).toBe('CA12345AB');
    expect(isSerial(normalizeSerial(' ca12345ab '))).toBe(true);
  });

  it('R-CARD-1: drawSerial asks for five digits then two letters and keeps the CA prefix', () => {
    const low = scriptedRandomInt([0, 0, 0, 0, 0, 0, 0]);
    expect(drawSerial(low)).toBe('CA00000AA');
    expect(low.bounds).toEqual([10, 10, 10, 10, 10, 26, 26]);
    expect(drawSerial(scriptedRandomInt([9, 9, 9, 9, 9, 25, 25]))).toBe('CA99999ZZ');
    expect(drawSerial(scriptedRandomInt([1, 2, 3, 4, 5, 1, 2]))).toBe('CA12345BC');
  });

  it('R-CARD-1: every drawn serial has the serial shape (seeded and real randomness)', () => {
    const seeded = seededRandomInt(42);
    for (let i = 0; i < 2000; i++) expect(drawSerial(seeded)).toMatch(SERIAL_PATTERN);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = drawSerial(randomInt);
      expect(s).toMatch(/^CA[0-9]{5}[A-Z]{2}$/);
      seen.add(s);
    }
    // 2000 draws from 67.6 million serials: a repeat would point to a broken generator.
    expect(seen.size).toBeGreaterThan(1990);
  });
});

import { describe, expect, it } from 'vitest';
import {
  PUK_HALF_LENGTH,
  PUK_MAX_WRONG,
  describePositions,
  drawPukPositions,
  isValidPositions,
  pukBlockedAfter,
  pukDigitsMatch,
} from '../../../functions/core/puk-challenge';
import { randomInt } from '../../../functions/platform/crypto';
import { scriptedRandomInt, seededRandomInt } from '../../../test/support/random';

const ALL_PAIRS = ['1,2', '1,3', '1,4', '2,3', '2,4', '3,4'];

function expectWellFormed(p: [number, number]) {
  expect(p).toHaveLength(2);
  expect(Number.isInteger(p[0]) && Number.isInteger(p[1])).toBe(true);
  expect(p[0]).toBeGreaterThanOrEqual(1);
  expect(p[1]).toBeLessThanOrEqual(PUK_HALF_LENGTH);
  expect(p[0]).toBeLessThan(p[1]);
  expect(isValidPositions(p)).toBe(true);
}

describe('PUK digits challenge (R-ACT-2)', () => {
  it('R-ACT-2: the first half of the PUK has 4 digits', () => {
    expect(PUK_HALF_LENGTH).toBe(4);
  });

  it('R-ACT-2: every outcome of the two draws gives two distinct ascending positions, each pair equally often', () => {
    const counts = new Map<string, number>();
    for (let first = 0; first < PUK_HALF_LENGTH; first++) {
      for (let second = 0; second < PUK_HALF_LENGTH - 1; second++) {
        const rnd = scriptedRandomInt([first, second]);
        const p = drawPukPositions(rnd);
        expect(rnd.bounds).toEqual([4, 3]);
        expectWellFormed(p);
        counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
      }
    }
    expect([...counts.keys()].sort()).toEqual(ALL_PAIRS);
    for (const n of counts.values()) expect(n).toBe(2);
  });

  it('R-ACT-2: with a seeded generator every pair is reachable and none is favoured', () => {
    const rnd = seededRandomInt(20240229);
    const counts = new Map<string, number>();
    const draws = 12_000;
    for (let i = 0; i < draws; i++) {
      const p = drawPukPositions(rnd);
      expectWellFormed(p);
      counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(ALL_PAIRS);
    for (const n of counts.values()) expect(Math.abs(n - draws / 6)).toBeLessThan(draws / 6 / 10);
  });

  it('R-ACT-2: with the real platform randomInt every pair is reachable', () => {
    const counts = new Map<string, number>();
    const draws = 6_000;
    for (let i = 0; i < draws; i++) {
      const p = drawPukPositions(randomInt);
      expectWellFormed(p);
      counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(ALL_PAIRS);
    // Expected 1000 each, standard deviation about 29: 700 is more than ten deviations away.
    for (const n of counts.values()) expect(n).toBeGreaterThan(700);
  });

  it('R-ACT-2: only two distinct ascending positions within the first half are valid', () => {
    for (const pair of ALL_PAIRS) expect(isValidPositions(pair.split(',').map(Number))).toBe(true);
    for (const bad of [[2, 1], [1, 1], [0, 2], [3, 5], [1], [1, 2, 3], [1.5, 2], ['1', '2'], null, undefined, {}, '1,2']) {
      expect(isValidPositions(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('R-ACT-2: the positions are named as the guides name them', () => {
    expect(describePositions([2, 3])).toBe('la 2° e 3° cifra');
  });

  it('R-ACT-2: the answer matches only the digits at the asked positions', () => {
    expect(pukDigitsMatch('5820', [2, 3], ['8', '2'])).toBe(true);
    expect(pukDigitsMatch('5820', [1, 4], ['5', '0'])).toBe(true);
    expect(pukDigitsMatch('5820', [2, 3], ['2', '8'])).toBe(false);
    expect(pukDigitsMatch('5820', [2, 3], ['8', '0'])).toBe(false);
    expect(pukDigitsMatch('5820', [2, 3], ['5', '8'])).toBe(false);
    expect(pukDigitsMatch('5820', [2, 3], ['', ''])).toBe(false);
    expect(pukDigitsMatch('5820', [2, 3], ['82', ''])).toBe(false);
  });
});

describe('PUK failures (R-PUK-3)', () => {
  it('R-PUK-3: the limit is 10 wrong PUKs', () => {
    expect(PUK_MAX_WRONG).toBe(10);
  });

  it('R-PUK-3: 10 wrong answers do not block', () => {
    expect(pukBlockedAfter(10)).toBe(false);
  });

  it('R-PUK-3: the 11th wrong answer blocks', () => {
    expect(pukBlockedAfter(11)).toBe(true);
  });

  it('R-PUK-3: nothing below 11 blocks, everything above does', () => {
    for (let n = 0; n <= 10; n++) expect(pukBlockedAfter(n)).toBe(false);
    for (let n = 11; n <= 100; n++) expect(pukBlockedAfter(n)).toBe(true);
  });
});

import type { RandomInt } from './random';

/**
 * R-ACT-2: two digits of the first half of the PUK, at positions drawn at random each attempt.
 * R-PUK-3: more than 10 wrong PUKs block the card for digital identity for good.
 */
export const PUK_HALF_LENGTH = 4;
export const PUK_MAX_WRONG = 10;

/** Two distinct positions (1-based) in the first half, in ascending order. */
export function drawPukPositions(randomInt: RandomInt): [number, number] {
  const a = randomInt(PUK_HALF_LENGTH) + 1;
  let b = randomInt(PUK_HALF_LENGTH - 1) + 1;
  if (b >= a) b += 1;
  return a < b ? [a, b] : [b, a];
}

export function isValidPositions(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length === 2 && p.every((n) => Number.isInteger(n) && n >= 1 && n <= PUK_HALF_LENGTH) && p[0] < p[1];
}

/** "la 2° e 3° cifra", as the guides put it. */
export function describePositions([a, b]: [number, number]): string {
  return `la ${a}° e ${b}° cifra`;
}

export function pukDigitsMatch(firstHalf: string, positions: [number, number], digits: [string, string]): boolean {
  return firstHalf[positions[0] - 1] === digits[0] && firstHalf[positions[1] - 1] === digits[1];
}

/** The wrong answer that blocks: the 11th blocks, the 10th does not. */
export function pukBlockedAfter(wrongAnswers: number): boolean {
  return wrongAnswers > PUK_MAX_WRONG;
}

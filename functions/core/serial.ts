import type { RandomInt } from './random';

/** R-CARD-1: two letters, five digits, two letters (`CA00000AA`). */
export const SERIAL_PATTERN = /^[A-Z]{2}[0-9]{5}[A-Z]{2}$/;

export function normalizeSerial(input: string): string {
  return input.trim().toUpperCase();
}

export function isSerial(input: string): boolean {
  return SERIAL_PATTERN.test(input);
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Cards issued here carry the `CA` prefix of the current CIE series. */
export function drawSerial(randomInt: RandomInt): string {
  let digits = '';
  for (let i = 0; i < 5; i++) digits += String(randomInt(10));
  return `CA${digits}${LETTERS[randomInt(26)]}${LETTERS[randomInt(26)]}`;
}

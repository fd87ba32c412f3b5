import type { RandomInt } from '../../functions/core/random';

/** mulberry32: a small seeded generator, so a "random" test draws the same sequence every run. */
export function seededRandomInt(seed: number): RandomInt {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    return Math.floor(u * n);
  };
}

/** Answers from a script, recording every bound it was asked for; runs dry loudly. */
export function scriptedRandomInt(values: number[]): RandomInt & { bounds: number[] } {
  const queue = [...values];
  const bounds: number[] = [];
  const fn = ((n: number) => {
    bounds.push(n);
    const v = queue.shift();
    if (v === undefined) throw new Error('scripted randomInt ran out of values');
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`scripted value ${v} outside [0, ${n})`);
    return v;
  }) as RandomInt & { bounds: number[] };
  fn.bounds = bounds;
  return fn;
}

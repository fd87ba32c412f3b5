import { describe, expect, it } from 'vitest';
import { appCodeProblems } from '../../../functions/core/app-code';

describe('R-APP-2: the codice App CieID policy', () => {
  it('accepts 6 letters and digits with a digit and a letter, no triple digit, no run of 3', () => {
    for (const ok of ['a1b2c3', 'Ab1357', 'zz9z9z', '13AB24', 'a12b21', '1a2b3c', '135aaa', '97531x']) {
      expect(appCodeProblems(ok), ok).toEqual([]);
    }
  });

  it('is exactly 6 characters', () => {
    for (const bad of ['', 'a1b2c', 'a1b2c3d', 'a1']) expect(appCodeProblems(bad)).toEqual(['length']);
  });

  it('takes only ASCII letters and digits', () => {
    for (const bad of ['a1b2c!', 'a1 b2c', 'à1b2c3', 'a1b2c\n']) expect(appCodeProblems(bad)).toEqual(['charset']);
  });

  it('needs at least one digit and at least one letter', () => {
    expect(appCodeProblems('abcdef')).toEqual(['no_digit']);
    expect(appCodeProblems('135792')).toEqual(['no_letter']);
  });

  it('no digit more than twice, adjacent or not; twice is allowed', () => {
    expect(appCodeProblems('a111bc')).toEqual(['digit_repeated']);
    expect(appCodeProblems('1a1b1c')).toEqual(['digit_repeated']);
    expect(appCodeProblems('11abcd')).toEqual([]);
    expect(appCodeProblems('1a1b2c')).toEqual([]);
  });

  it('no run of 3 ascending or descending consecutive digits, anywhere, including 0 and 9 edges', () => {
    for (const bad of ['123abc', 'ab321c', 'abc789', 'x012yz', 'x987yz', 'a210bc']) {
      expect(appCodeProblems(bad), bad).toEqual(['digit_sequence']);
    }
    // Runs interrupted by a letter, steps of 2, wrap-arounds and two-digit runs are fine.
    for (const ok of ['12a3bc', '135abc', '901abc', '890abc', 'ab12cd', '121abc', '1a23bc']) {
      expect(appCodeProblems(ok), ok).toEqual([]);
    }
  });

  it('reports every broken rule at once', () => {
    expect(appCodeProblems('123123')).toEqual(['no_letter', 'digit_sequence']);
    expect(appCodeProblems('111234')).toEqual(['no_letter', 'digit_repeated', 'digit_sequence']);
  });
});

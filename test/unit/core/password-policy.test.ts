import { describe, expect, it } from 'vitest';
import { PASSWORD_MAX, PASSWORD_MIN, passwordViolations } from '../../../functions/core/password-policy';

const rules = (password: string) => passwordViolations(password).map((v) => v.rule);
/** A password that meets every criterion, stretched or cut to `length` characters. */
const ofLength = (length: number) => 'Ab1!cdefghijkmnopqrstuvwxyz'.slice(0, length);

describe('password policy (R-ACT-5, R-ACC-2)', () => {
  it('R-ACT-5: the bounds are 10 and 20 characters', () => {
    expect(PASSWORD_MIN).toBe(10);
    expect(PASSWORD_MAX).toBe(20);
  });

  it('R-ACT-5: 9 characters is too short', () => {
    expect(rules(ofLength(9))).toEqual(['length']);
  });

  it('R-ACT-5: 10 characters is enough', () => {
    expect(rules(ofLength(10))).toEqual([]);
  });

  it('R-ACT-5: 20 characters is allowed', () => {
    expect(rules(ofLength(20))).toEqual([]);
  });

  it('R-ACT-5: 21 characters is too long', () => {
    expect(rules(ofLength(21))).toEqual(['length']);
  });

  it('R-ACT-5: the empty password breaks every rule but the repeat rule', () => {
    expect(rules('')).toEqual(['length', 'upper', 'lower', 'digit', 'symbol']);
  });

  it('R-ACT-5: exactly 2 equal characters in a row are allowed', () => {
    expect(rules('Aab11!!cdd')).toEqual([]);
  });

  it('R-ACT-5: 3 equal characters in a row are refused, wherever they are', () => {
    expect(rules('AAAb1!cdef')).toEqual(['repeat']);
    expect(rules('Abc111!def')).toEqual(['repeat']);
    expect(rules('Abc1!defggg')).toEqual(['repeat']);
    expect(rules('Abc1!!!def')).toEqual(['repeat']);
  });

  it('R-ACT-5: equal characters separated by another are not a run', () => {
    expect(rules('AbAbA1!c1!')).toEqual([]);
    expect(rules('aAa1!bBb2?')).toEqual([]);
  });

  it('R-ACT-5: a missing upper-case letter is named', () => {
    expect(rules('abcdef1!gh')).toEqual(['upper']);
  });

  it('R-ACT-5: a missing lower-case letter is named', () => {
    expect(rules('ABCDEF1!GH')).toEqual(['lower']);
  });

  it('R-ACT-5: a missing digit is named', () => {
    expect(rules('Abcdefg!hi')).toEqual(['digit']);
  });

  it('R-ACT-5: a missing symbol is named', () => {
    expect(rules('Abcdefg1hi')).toEqual(['symbol']);
  });

  it('R-ACT-5: a space is not a symbol', () => {
    expect(rules('Abcde 1 fgh')).toEqual(['symbol']);
  });

  it('R-ACT-5: accented and other unicode letters count as upper and lower case', () => {
    expect(rules('Èàòùìé1!xy')).toEqual([]);
    expect(rules('ÉLÈVE1!ÀÇÙ')).toEqual(['lower']);
    expect(rules('straße1!çà')).toEqual(['upper']);
    expect(rules('ΣίσυφοςΑ1!')).toEqual([]);
  });

  it('R-ACT-5: length counts characters, not UTF-16 units', () => {
    // Each emoji is two UTF-16 units but one character: 10 characters in all.
    expect(rules('Ab1😀😀cdefg')).toEqual([]);
    expect(rules('Ab1😀cdefg')).toEqual(['length']);
  });

  it('R-ACT-5: a decomposed accent is one character and not a symbol', () => {
    const decomposed = 'Abcdefgh1e\u0301'; // "é" as e + combining acute: 10 characters once composed
    expect(rules(decomposed)).toEqual(['symbol']);
    expect(rules(`${decomposed}!`)).toEqual([]);
    // 20 characters composed, 21 code points decomposed: judged like the composed form that is hashed.
    expect(rules(`Abcdefghijkmnop1!xye\u0301`)).toEqual([]);
  });

  it('R-ACT-5: control and invisible characters do not stand in for the symbol', () => {
    expect(rules('Abcdefgh1\u0000')).toEqual(['symbol']);
    expect(rules('Abcdefgh1\u200b')).toEqual(['symbol']);
  });

  it('R-ACT-5: every message is in Italian and says what is wrong', () => {
    for (const v of passwordViolations('')) expect(v.message).toMatch(/^(La password|Manca)/);
    expect(passwordViolations('AAAb1!cdef')[0]!.message).toContain('2 caratteri uguali consecutivi');
  });
});

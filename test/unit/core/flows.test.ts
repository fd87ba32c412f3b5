import { describe, expect, it } from 'vitest';
import { FlowTableError, checkedMove, defineFlow, isStepOf, stepsMovingTo } from '../../../functions/core/flows';

type Step = 'a' | 'b' | 'c';
const KIND = defineFlow<Step, { x: number; y: string }>({
  type: 'test',
  goneMessage: 'gone',
  idleMs: 1000,
  starts: ['a'],
  moves: { a: ['b'], b: ['b', 'c'], c: [] },
  writes: { a: ['x'], b: ['y'], c: [] },
});

describe('core/flows: a flow kind is a table, and only its moves are made', () => {
  it('a listed move with the data its step may write is a FlowMove', () => {
    expect(checkedMove(KIND, 'a', 'b', { x: 1 })).toEqual({ from: 'a', to: 'b', patch: { x: 1 } });
    expect(checkedMove(KIND, 'b', 'b', { y: 'again' })).toEqual({ from: 'b', to: 'b', patch: { y: 'again' } });
  });

  it('a move the table does not list, or data the step may not write, is a FlowTableError', () => {
    expect(() => checkedMove(KIND, 'a', 'c')).toThrow(FlowTableError);
    expect(() => checkedMove(KIND, 'c', 'a')).toThrow(FlowTableError);
    expect(() => checkedMove(KIND, 'a', 'b', { y: 'not mine' })).toThrow(/may not write y/);
  });

  it('a table naming a step it does not define is refused when defined', () => {
    expect(() => defineFlow({ ...KIND, moves: { ...KIND.moves, c: ['d' as Step] } })).toThrow(FlowTableError);
    expect(() => defineFlow({ ...KIND, starts: ['z' as Step] })).toThrow(FlowTableError);
  });

  it('steps are only those of the table (an own key, not an inherited one)', () => {
    expect(isStepOf(KIND, 'b')).toBe(true);
    for (const other of ['d', 'toString', '__proto__', 1, null]) expect(isStepOf(KIND, other)).toBe(false);
    expect(stepsMovingTo(KIND, 'b').sort()).toEqual(['a', 'b']);
  });
});

import { CheckFailure, defineCheck, type Check, type CheckContext } from '../../src/core/check.ts';

/** Checks made to order for the runner's tests: what they do is beside the point, how they end is not. */
export function fakeCheck(id: string, run: (ctx: CheckContext) => Promise<void> = async () => {}, overrides: Partial<Check> = {}): Check {
  return defineCheck({ id, suite: 'fake', covers: [id], title: `fake check ${id}`, run, ...overrides });
}

export const passing = (id: string, overrides: Partial<Check> = {}) => fakeCheck(id, async () => {}, overrides);

export const failing = (id: string, message = `${id} broke its rule`, overrides: Partial<Check> = {}) =>
  fakeCheck(
    id,
    async () => {
      throw new CheckFailure(message);
    },
    overrides,
  );

export const erroring = (id: string, overrides: Partial<Check> = {}) =>
  fakeCheck(
    id,
    async () => {
      throw new TypeError('cannot read properties of undefined');
    },
    overrides,
  );

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

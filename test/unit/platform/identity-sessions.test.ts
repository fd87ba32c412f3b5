import { describe, expect, it } from 'vitest';
import type { Env } from '../../../functions/env';
import { GRANT_REVOCATION_CONCURRENCY } from '../../../functions/core/identity-grants';
import { revokeGrants } from '../../../functions/platform/identity-sessions';

/** A FLOW namespace whose objects only count their revokeGrant calls and how many run at once. */
function countingFlows() {
  const state = { calls: [] as string[], running: 0, most: 0 };
  const FLOW = {
    idFromString: (hex: string) => hex,
    get: (id: string) => ({
      async revokeGrant() {
        state.running++;
        state.most = Math.max(state.most, state.running);
        await new Promise((r) => setTimeout(r, 2));
        state.calls.push(id);
        state.running--;
      },
    }),
  };
  return { env: { FLOW } as unknown as Env, state };
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

describe('revokeGrants (R-ACC-4)', () => {
  it(`R-ACC-4: every grant is revoked, in parallel but at most ${GRANT_REVOCATION_CONCURRENCY} at a time`, async () => {
    const { env, state } = countingFlows();
    const ids = Array.from({ length: 30 }, (_, i) => hex(i + 1));
    await revokeGrants(env, ids);
    expect([...state.calls].sort()).toEqual([...ids].sort());
    expect(state.most).toBe(GRANT_REVOCATION_CONCURRENCY);
  });

  it('R-ACC-4: an id that names no object of ours is skipped; none at all makes no call', async () => {
    const { env, state } = countingFlows();
    await revokeGrants(env, ['not-an-id', 'ZZ'.repeat(32), hex(7)]);
    expect(state.calls).toEqual([hex(7)]);
    await revokeGrants(env, []);
    expect(state.calls).toHaveLength(1);
  });
});

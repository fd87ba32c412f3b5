import { describe, expect, it } from 'vitest';
import { CLICK_DAY, type LoginProfile, mixedCalls, overLimit, projectScale, zipfShares } from '../../support/scale-model';

const profile = (calls: Record<string, number>, share = 1): LoginProfile => ({ kind: 'k', share, calls });
const small = { ...CLICK_DAY, relyingParties: 100, shards: 4 };

describe('scale model (issue 15 §3)', () => {
  it('Zipf shares sum to 1, fall with rank, and the largest is the share asked for', () => {
    const shares = zipfShares(11_000, 1 / 3);
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(shares[0]).toBeCloseTo(1 / 3, 6);
    for (let i = 1; i < 50; i++) expect(shares[i]!).toBeLessThan(shares[i - 1]!);
  });

  it('mixes profiles by share', () => {
    expect(mixedCalls([profile({ FLOW: 10 }, 3), profile({ FLOW: 20, CARD: 4 }, 1)])).toEqual({ FLOW: 12.5, CARD: 1 });
  });

  it('keys one per login spread evenly; an RP record lands whole on its shard, capped by the per-isolate copy', () => {
    const rows = projectScale([profile({ 'DIRECTORY:nonce': 1, 'DIRECTORY:client': 3 })], { ...small, clientMaxAgeMs: 0 }, () => 0);
    expect(rows.find((r) => r.object === 'DIRECTORY:nonce')!.busiest).toBe(1000 / 4);
    // Every RP on shard 0, no cache: all 3,000 client reads/s there.
    expect(rows.find((r) => r.object === 'DIRECTORY:client')!.busiest).toBeCloseTo(3000, 6);
    expect(rows.find((r) => r.object === 'DIRECTORY shard')!.busiest).toBeCloseTo(3250, 6);
    const cached = projectScale([profile({ 'DIRECTORY:client': 3 })], { ...small, isolates: 10, clientMaxAgeMs: 5000 }, (rank) => rank % 4);
    // 10 isolates × one read per 5 s = at most 2 reads/s per RP, 25 RPs per shard.
    expect(cached.find((r) => r.object === 'DIRECTORY:client')!.busiest).toBeLessThanOrEqual(50);
  });

  it("a login's own flow and card see one login's calls over its duration; the outbox is no limit", () => {
    const rows = projectScale([profile({ FLOW: 14, CARD: 10, OUTBOX: 1 })], small, () => 0);
    expect(rows.find((r) => r.object === 'FLOW')!.busiest).toBe(14 / small.loginSeconds);
    expect(rows.find((r) => r.object === 'OUTBOX')!.limited).toBe(false);
    expect(overLimit(rows, small)).toEqual([]);
    expect(
      overLimit(
        projectScale([profile({ FLOW: 100_000 })], small, () => 0),
        small,
      ).map((r) => r.object),
    ).toEqual(['FLOW']);
  });
});

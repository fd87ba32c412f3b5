import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DirectoryShard } from '../../../durable-objects/directory-shard';
import type { RevokedCertificate } from '../../../functions/core/card-auth';
import { randomId } from '../../../functions/platform/crypto';

function shard() {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(`test-${randomId(8)}`));
}
const inShard = <R>(stub: DurableObjectStub<DirectoryShard>, fn: (s: DirectoryShard) => R | Promise<R>) => runInDurableObject(stub, fn);

const NOW = Date.parse('2026-06-15T10:00:00Z');
const line = (serial: string, over: Partial<RevokedCertificate> = {}): RevokedCertificate => ({
  serial,
  revokedAt: NOW,
  reason: 'blocked',
  notAfter: Date.parse('2036-06-15T21:59:59Z'),
  ...over,
});

describe('DirectoryShard: the card CA revocation list (R-CARD-3, R-CARD-7, R-PUK-3)', () => {
  it('R-CARD-3: empty at first, version 0, no CRL signed', async () => {
    expect(await inShard(shard(), (d) => d.revocationList(NOW))).toEqual({ version: 0, entries: [], crl: null });
  });

  it('R-CARD-3: each new card moves the version; the same card again moves nothing and keeps its first line', async () => {
    const s = shard();
    await inShard(s, (d) => d.revokeCertificate(line('CA00000AA'), NOW));
    await inShard(s, (d) => d.revokeCertificate(line('CA00001AB', { reason: 'superseded' }), NOW));
    await inShard(s, (d) => d.revokeCertificate(line('CA00000AA', { reason: 'superseded', revokedAt: NOW + 1000 }), NOW + 1000));
    const list = await inShard(s, (d) => d.revocationList(NOW + 1000));
    expect(list.version).toBe(2);
    expect(list.entries).toEqual([line('CA00000AA'), line('CA00001AB', { reason: 'superseded' })]);
  });

  it('R-CARD-2: a line past its certificate notAfter is left out, and dropped at the next write', async () => {
    const s = shard();
    const ending = Date.parse('2026-06-20T21:59:59Z');
    await inShard(s, (d) => d.revokeCertificate(line('CA00000AA', { notAfter: ending }), NOW));
    expect((await inShard(s, (d) => d.revocationList(ending))).entries).toHaveLength(1);
    expect((await inShard(s, (d) => d.revocationList(ending + 1))).entries).toHaveLength(0);
    await inShard(s, (d) => d.revokeCertificate(line('CA00001AB'), ending + 1));
    const rows = await runInDurableObject(s, (_d, state) => state.storage.sql.exec('SELECT serial FROM revoked_certificates').toArray());
    expect(rows.map((r) => r.serial)).toEqual(['CA00001AB']);
  });

  it('R-CARD-3: of two CRLs signed at once, the one of the later list — or the later at the same list — stays', async () => {
    const s = shard();
    await inShard(s, (d) => d.storeCrl({ version: 2, builtAt: NOW, der: 'v2' }));
    await inShard(s, (d) => d.storeCrl({ version: 1, builtAt: NOW + 5000, der: 'v1-late' }));
    expect((await inShard(s, (d) => d.revocationList(NOW))).crl).toEqual({ version: 2, builtAt: NOW, der: 'v2' });
    await inShard(s, (d) => d.storeCrl({ version: 2, builtAt: NOW - 1, der: 'v2-early' }));
    expect((await inShard(s, (d) => d.revocationList(NOW))).crl?.der).toBe('v2');
    await inShard(s, (d) => d.storeCrl({ version: 2, builtAt: NOW + 1, der: 'v2-later' }));
    expect((await inShard(s, (d) => d.revocationList(NOW))).crl?.der).toBe('v2-later');
    await inShard(s, (d) => d.storeCrl({ version: 3, builtAt: NOW - 10, der: 'v3' }));
    expect((await inShard(s, (d) => d.revocationList(NOW))).crl).toEqual({ version: 3, builtAt: NOW - 10, der: 'v3' });
  });
});

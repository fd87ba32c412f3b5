import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../durable-objects/card';
import { DeviceTable, type NewDevice } from '../../../durable-objects/device-table';
import { ACCESS_LOG_MAX_EVENTS } from '../../../functions/core/access-log-retention';
import { logSelection } from '../../../functions/core/access-log-view';
import type { AccessOutcome } from '../../../functions/core/card';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { cardRecord } from '../../support/card-record';

/** The Card's side of "Dispositivi" and "Elenco accessi" (R-ACC-5, R-APP-4, R-LOG-9): last use, the keyset query, the export. */
type CardStub = DurableObjectStub<Card>;
const inCard = <R>(stub: CardStub, fn: (card: Card, state: DurableObjectState) => R | Promise<R>) => runInDurableObject(stub, fn);

async function issued(): Promise<CardStub> {
  const serial = drawSerial(randomInt);
  const stub = env.CARD.get(env.CARD.idFromName(serial));
  const rec = await cardRecord(serial);
  expect(await inCard(stub, (c) => c.issue(rec))).toBe(true);
  return stub;
}

const device = (name = 'Telefono'): NewDevice => ({
  id: `dev-${randomInt(1e9)}`,
  credentialId: `cred-${randomInt(1e9)}`,
  publicKey: 'k',
  counter: 0,
  name,
  notifications: true,
});

const ALL = logSelection({ service: null, outcome: null });

async function logLogins(stub: CardStub, lines: { rp: string; outcome: AccessOutcome }[], start = Date.now() - 3600_000) {
  await inCard(stub, (c) => {
    lines.forEach((l, i) => {
      c.logAccess({ at: start + i * 1000, rp: l.rp, rpName: `Servizio ${l.rp}`, level: 2, method: 'sms', outcome: l.outcome });
    });
  });
}

describe('Card: devices, last use (R-ACC-5, R-APP-4)', () => {
  it('R-ACC-5: a new device has never been used; an accepted assertion records its use in the counter’s statement', async () => {
    const stub = await issued();
    const d = device();
    await inCard(stub, (c) => c.addDevice(d, 'hash', 1000));
    expect((await inCard(stub, (c) => c.listDevices()))[0]).toMatchObject({ id: d.id, createdAt: 1000, lastUsedAt: null, revokedAt: null });
    expect(await inCard(stub, (c) => c.advanceDeviceCounter(d.id, 1, 5000))).toBe(true);
    expect((await inCard(stub, (c) => c.listDevices()))[0]!.lastUsedAt).toBe(5000);
    // A refused counter is no use.
    expect(await inCard(stub, (c) => c.advanceDeviceCounter(d.id, 1, 9000))).toBe(false);
    expect((await inCard(stub, (c) => c.listDevices()))[0]!.lastUsedAt).toBe(5000);
  });

  it('R-ACC-5: a card signature marks the live device used; a revoked or unknown one is not touched', async () => {
    const stub = await issued();
    const d = device();
    await inCard(stub, (c) => c.addDevice(d, 'hash', 1000));
    expect(await inCard(stub, (c) => c.markDeviceUsed(d.id, 7000))).toBe(true);
    expect(await inCard(stub, (c) => c.markDeviceUsed('nobody', 7000))).toBe(false);
    await inCard(stub, (c) => c.revokeDevice(d.id, 8000));
    expect(await inCard(stub, (c) => c.markDeviceUsed(d.id, 9000))).toBe(false);
    expect((await inCard(stub, (c) => c.listDevices()))[0]).toMatchObject({ lastUsedAt: 7000, revokedAt: 8000 });
  });

  it('R-APP-4: revoking names the device, logs it with its name, and is done once; another card’s device is not found here', async () => {
    const stub = await issued();
    const other = await issued();
    const d = device('Il mio telefono');
    const theirs = device();
    await inCard(stub, (c) => c.addDevice(d, 'hash'));
    await inCard(other, (c) => c.addDevice(theirs, 'hash'));
    expect(await inCard(stub, (c) => c.revokeDeviceNamed(theirs.id))).toBeNull();
    expect(await inCard(other, (c) => c.device(theirs.id))).not.toBeNull();
    expect(await inCard(stub, (c) => c.revokeDeviceNamed(d.id))).toBe('Il mio telefono');
    expect(await inCard(stub, (c) => c.revokeDeviceNamed(d.id))).toBeNull();
    expect(await inCard(stub, (c) => c.revokeDevice(d.id))).toBe(false);
    const revoked = (await inCard(stub, (c) => c.events())).filter((e) => e.kind === 'device_revoked');
    expect(revoked.map((e) => e.detail)).toEqual([{ device: d.id, name: 'Il mio telefono' }]);
  });

  it('R-ACC-5: an object made before last use was kept gains the column; its devices read as never used', async () => {
    const stub = env.CARD.get(env.CARD.idFromName(drawSerial(randomInt)));
    const result = await inCard(stub, (_c, state) => {
      const sql = state.storage.sql;
      sql.exec('DROP TABLE devices');
      sql.exec(`CREATE TABLE devices (
        id TEXT PRIMARY KEY, credential_id TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL,
        counter INTEGER NOT NULL, name TEXT NOT NULL, notifications INTEGER NOT NULL,
        session_hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER
      )`);
      sql.exec(`INSERT INTO devices VALUES ('old', 'c', 'k', 3, 'Vecchio', 1, 'h', 10, NULL)`);
      const table = new DeviceTable(sql);
      const before = table.list();
      const advanced = table.advanceCounter('old', 4, 20);
      // A second construction (the next start of the object) finds the column and adds nothing.
      new DeviceTable(sql);
      return { before, advanced, after: table.list() };
    });
    expect(result.before).toEqual([{ id: 'old', name: 'Vecchio', notifications: true, createdAt: 10, revokedAt: null, lastUsedAt: null }]);
    expect(result.advanced).toBe(true);
    expect(result.after[0]!.lastUsedAt).toBe(20);
  });
});

describe('Card: "Elenco accessi", newest first, keyset pages, filters in SQL (R-LOG-9, R-ACC-5)', () => {
  it('R-LOG-9: pages of the given size follow each other by seq, newest first, with nothing repeated or skipped', async () => {
    const stub = await issued();
    await logLogins(
      stub,
      Array.from({ length: 45 }, (_, i) => ({ rp: 'a', outcome: i % 3 ? 'granted' : 'wrong_password' })),
    );
    const seen: number[] = [];
    let before: number | null = null;
    let pages = 0;
    for (;;) {
      const page = await inCard(stub, (c) => c.accessLogPage({ ...ALL, before }, 20));
      seen.push(...page.events.map((e) => e.seq));
      pages++;
      if (!page.more) break;
      before = page.events.at(-1)!.seq;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(45);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(45);
  });

  it('R-ACC-5: by service and by outcome; a filter keeps only logins; the services offered are those in the log', async () => {
    const stub = await issued();
    await inCard(stub, (c) => c.block('lost'));
    await logLogins(stub, [
      { rp: 'https://inps.example', outcome: 'granted' },
      { rp: 'https://comune.example', outcome: 'wrong_password' },
      { rp: 'https://inps.example', outcome: 'cancelled' },
      { rp: '', outcome: 'app_refused' },
    ]);
    const page = (filter: Parameters<typeof logSelection>[0]) =>
      inCard(stub, (c) => c.accessLogPage(logSelection(filter), 20)).then((p) => p.events.map((e) => [e.kind, e.detail.rp ?? null, e.detail.outcome ?? null]));
    expect(await page({ service: null, outcome: null })).toHaveLength(5);
    expect(await page({ service: 'https://inps.example', outcome: null })).toEqual([
      ['access', 'https://inps.example', 'cancelled'],
      ['access', 'https://inps.example', 'granted'],
    ]);
    expect(await page({ service: null, outcome: 'consentiti' })).toEqual([['access', 'https://inps.example', 'granted']]);
    expect(await page({ service: null, outcome: 'negati' })).toEqual([
      ['access', '', 'app_refused'],
      ['access', 'https://inps.example', 'cancelled'],
      ['access', 'https://comune.example', 'wrong_password'],
    ]);
    expect(await page({ service: 'https://comune.example', outcome: 'granted' })).toEqual([]);
    expect(await page({ service: "' OR 1=1 --", outcome: null })).toEqual([]);
    const { services } = await inCard(stub, (c) => c.accessLogPage(ALL, 20));
    expect(services).toEqual([
      { rp: 'https://inps.example', name: 'Servizio https://inps.example' },
      { rp: 'https://comune.example', name: 'Servizio https://comune.example' },
    ]);
  });

  it('R-LOG-9: the export holds every line the filter keeps, the whole log at most, whatever the cursor', async () => {
    const stub = await issued();
    await logLogins(
      stub,
      Array.from({ length: 30 }, (_, i) => ({ rp: i % 2 ? 'a' : 'b', outcome: 'granted' })),
    );
    expect(await inCard(stub, (c) => c.accessLogExport({ ...ALL, before: 3 }))).toHaveLength(30);
    expect(await inCard(stub, (c) => c.accessLogExport(logSelection({ service: 'a', outcome: null })))).toHaveLength(15);
    expect(ACCESS_LOG_MAX_EVENTS).toBe(1000);
  });

  it('R-LOG-9: a malformed detail reads as an empty one, never an error', async () => {
    const stub = await issued();
    await inCard(stub, (_c, state) =>
      state.storage.sql.exec(`INSERT INTO events (at, kind, detail) VALUES (?, 'access', 'not json'), (?, 'x', '[1]')`, Date.now(), Date.now()),
    );
    const { events } = await inCard(stub, (c) => c.accessLogPage(ALL, 20));
    expect(events.map((e) => e.detail)).toEqual([{}, {}]);
  });
});

import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Card, CardRecord } from '../../../durable-objects/card';
import type { NewDevice } from '../../../durable-objects/device-table';
import { drawSerial } from '../../../functions/core/serial';
import { randomInt } from '../../../functions/platform/crypto';
import { cardRecord } from '../../support/card-record';

/** The Card's level 3 side (R-L3-1, R-L3-2): which devices hold the card (card-l3-table.ts). */
const FINGERPRINT = 'ab'.repeat(32);

type CardStub = DurableObjectStub<Card>;
const inCard = <R>(stub: CardStub, fn: (card: Card, state: DurableObjectState) => R | Promise<R>) => runInDurableObject(stub, fn);

async function issued(overrides: Partial<CardRecord> = {}): Promise<CardStub> {
  const serial = drawSerial(randomInt);
  const stub = env.CARD.get(env.CARD.idFromName(serial));
  const rec = await cardRecord(serial, { certificate: 'MIIB', certificateFingerprint: FINGERPRINT, ...overrides });
  expect(await inCard(stub, (c) => c.issue(rec))).toBe(true);
  return stub;
}

let devices = 0;
const device = (): NewDevice => {
  devices++;
  return {
    id: `device-${devices}-${randomInt(1e9)}`,
    credentialId: `cred-${devices}-${randomInt(1e9)}`,
    publicKey: 'k',
    counter: 0,
    name: 'Telefono',
    notifications: true,
  };
};

const rows = (stub: CardStub) => inCard(stub, (_c, state) => state.storage.sql.exec('SELECT device_id, fingerprint FROM l3_devices').toArray());

describe('Card: the devices that hold the card (R-L3-1, R-L3-2)', () => {
  it('R-L3-1: a live device registers the card by its certificate’s fingerprint, and then holds it', async () => {
    const stub = await issued();
    const d = device();
    expect(await inCard(stub, (c) => c.addDevice(d, 'hash'))).toBe(true);
    expect(await inCard(stub, (c) => c.deviceHoldsCard(d.id, FINGERPRINT))).toBe(false);
    expect(await inCard(stub, (c) => c.registerL3Device(d.id, FINGERPRINT))).toBe(true);
    expect(await inCard(stub, (c) => c.deviceHoldsCard(d.id, FINGERPRINT))).toBe(true);
    expect(await inCard(stub, (c) => c.deviceHoldsCard(d.id, 'cd'.repeat(32)))).toBe(false);
    expect(await rows(stub)).toEqual([{ device_id: d.id, fingerprint: FINGERPRINT }]);
  });

  it('R-L3-1: another certificate’s fingerprint, an unknown device, a card without a certificate bind nothing', async () => {
    const stub = await issued();
    const d = device();
    await inCard(stub, (c) => c.addDevice(d, 'hash'));
    expect(await inCard(stub, (c) => c.registerL3Device(d.id, 'cd'.repeat(32)))).toBe(false);
    expect(await inCard(stub, (c) => c.registerL3Device('nobody', FINGERPRINT))).toBe(false);
    const old = await issued({ certificate: undefined, certificateFingerprint: undefined });
    const e = device();
    await inCard(old, (c) => c.addDevice(e, 'hash'));
    expect(await inCard(old, (c) => c.registerL3Device(e.id, FINGERPRINT))).toBe(false);
    expect(await rows(stub)).toEqual([]);
  });

  it('R-CARD-3: a card out of service is bound to no device', async () => {
    const stub = await issued();
    const d = device();
    await inCard(stub, (c) => c.addDevice(d, 'hash'));
    await inCard(stub, (c) => c.block('smarrimento'));
    expect(await inCard(stub, (c) => c.registerL3Device(d.id, FINGERPRINT))).toBe(false);
    expect(await inCard(stub, (c) => c.addL3Device(device(), 'hash', FINGERPRINT))).toBe(false);
  });

  it('R-L3-2: a device certified by the card is added and holds it in one step; a credential already known adds nothing', async () => {
    const stub = await issued();
    const d = device();
    expect(await inCard(stub, (c) => c.addL3Device(d, 'hash', FINGERPRINT))).toBe(true);
    expect(await inCard(stub, (c) => c.deviceHoldsCard(d.id, FINGERPRINT))).toBe(true);
    const twin = { ...device(), credentialId: d.credentialId };
    expect(await inCard(stub, (c) => c.addL3Device(twin, 'hash', FINGERPRINT))).toBe(false);
    expect(await rows(stub)).toEqual([{ device_id: d.id, fingerprint: FINGERPRINT }]);
    const kinds = (await inCard(stub, (c) => c.events())).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'device_certified' || k === 'card_registered').sort()).toEqual(['card_registered', 'device_certified']);
  });

  it('R-APP-4: a revoked device holds nothing, and its row is gone', async () => {
    const stub = await issued();
    const d = device();
    await inCard(stub, (c) => c.addL3Device(d, 'hash', FINGERPRINT));
    expect(await inCard(stub, (c) => c.revokeDevice(d.id))).toBe(true);
    expect(await inCard(stub, (c) => c.deviceHoldsCard(d.id, FINGERPRINT))).toBe(false);
    expect(await rows(stub)).toEqual([]);
    expect(await inCard(stub, (c) => c.registerL3Device(d.id, FINGERPRINT))).toBe(false);
  });
});

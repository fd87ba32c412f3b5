import { env } from 'cloudflare:test';
import type { CardRecord } from '../../durable-objects/card';
import { sealCodes } from '../../functions/registry/card-codes';

const DAY = 24 * 3600_000;

/** A Card's record as the registry issues it (an adult, ten years' validity), for tests of the Card itself. */
export async function cardRecord(serial: string, overrides: Partial<CardRecord> = {}, codes = { pin: '13572468', puk: '58201937' }): Promise<CardRecord> {
  const now = Date.now();
  return {
    serial,
    fiscalCode: 'RSSMRA85H15H501D',
    givenName: 'Mario',
    familyName: 'Rossi',
    birthDate: '1985-06-15',
    phone: '+393331234567',
    email: null,
    publicKey: null,
    issuedAt: now,
    expiresAt: now + 3650 * DAY,
    ...(await sealCodes(env.DATA_KEY!, serial, codes)),
    ...overrides,
  };
}

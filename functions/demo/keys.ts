import { type RpKeys, rpKeys } from '../relying-party/keys';

/** The demo relying party's keys (DEMO_RP_KEYS, see scripts/demo-rp-keys.mjs). */
export const demoKeys = (secret: string | undefined): Promise<RpKeys> => rpKeys(secret, 'Il servizio dimostrativo non è configurato (DEMO_RP_KEYS)');

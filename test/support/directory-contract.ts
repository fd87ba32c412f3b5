import { describe, expect, it } from 'vitest';
import type { RevokedCertificate } from '../../functions/core/card-auth';
import type { RegisteredClient } from '../../functions/core/oidc-client';
import { FREE_FAILURES, LOCK_AFTER_FAILURES, LOCK_MS, NO_FAILURES, afterFailure, decideAttempt, isLocked } from '../../functions/core/password-throttle';
import type { Directory } from '../../functions/platform/directory';

/**
 * What every `Directory` adapter promises, written once and run against each (the Durable Object
 * shards, Upstash Redis through the local bridge): test/integration/directory-contract*.test.ts.
 * `fresh()` gives an empty directory each time, so no case sees another's keys.
 */
const CF_A = 'RSSMRA85H15H501D';
const CF_B = 'VRDLGU70A01F205X';
const NOW = Date.parse('2026-06-15T10:00:00Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const client = (clientId: string): RegisteredClient => ({
  client_id: clientId,
  client_name: 'Comune di Esempio',
  redirect_uris: ['https://rp.example.it/callback'],
  jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' } as unknown as RegisteredClient['jwks']['keys'][number]] },
  registered_at: '2026-06-15T10:00:00.000Z',
});

const line = (serial: string, over: Partial<RevokedCertificate> = {}): RevokedCertificate => ({
  serial,
  revokedAt: NOW,
  reason: 'blocked',
  notAfter: Date.parse('2036-06-15T21:59:59Z'),
  ...over,
});

export function directoryContract(adapter: string, fresh: () => Directory): void {
  describe(`Directory contract: ${adapter}`, () => {
    it('R-CARD-1: a serial is reserved once, even by many callers at once', async () => {
      const d = fresh();
      expect(await d.reserveSerial('CA00000AA', CF_A)).toBe(true);
      expect(await d.reserveSerial('CA00000AA', CF_A)).toBe(false);
      expect(await d.reserveSerial('CA00000AA', CF_B)).toBe(false);
      const racers = await Promise.all(Array.from({ length: 20 }, (_, i) => d.reserveSerial('CA11111BB', `CF${String(i).padStart(14, '0')}`)));
      expect(racers.filter(Boolean)).toHaveLength(1);
    });

    it('R-CARD-5: the first identity to claim a phone holds it; the holder may claim again; a release by another changes nothing', async () => {
      const d = fresh();
      expect(await d.claimPhone('+393331234567', CF_A)).toBe(true);
      expect(await d.claimPhone('+393331234567', CF_B)).toBe(false);
      expect(await d.claimPhone('+393331234567', CF_A)).toBe(true);
      await d.releasePhone('+393331234567', CF_B);
      expect(await d.claimPhone('+393331234567', CF_B)).toBe(false);
      await d.releasePhone('+393331234567', CF_A);
      expect(await d.claimPhone('+393331234567', CF_B)).toBe(true);
      expect(await d.claimPhone('+393331234567', CF_A)).toBe(false);
    });

    it('R-CARD-5: of many identities claiming one phone at once, exactly one holds it', async () => {
      const d = fresh();
      const claimants = Array.from({ length: 30 }, (_, i) => `CF${String(i).padStart(14, '0')}`);
      const won = await Promise.all(claimants.map((cf) => d.claimPhone('+393339999999', cf)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = claimants[won.indexOf(true)]!;
      expect(await d.claimPhone('+393339999999', holder)).toBe(true);
    });

    it('R-CARD-7: setCurrentCard answers the card it replaces; currentCard reads it', async () => {
      const d = fresh();
      expect(await d.currentCard(CF_A)).toBeNull();
      expect(await d.setCurrentCard(CF_A, 'CA00000AA')).toBeNull();
      expect(await d.setCurrentCard(CF_A, 'CA00001AA')).toBe('CA00000AA');
      expect(await d.currentCard(CF_A)).toBe('CA00001AA');
      expect(await d.currentCard(CF_B)).toBeNull();
    });

    it('R-LOG-8, R-CARD-7: a username resolves to the current card — codice fiscale, current serial, verified email — and an old serial to nothing', async () => {
      const d = fresh();
      expect(await d.reserveSerial('CA00000AA', CF_A)).toBe(true);
      expect(await d.reserveSerial('CA00001AA', CF_A)).toBe(true);
      await d.setCurrentCard(CF_A, 'CA00000AA');
      await d.setCurrentCard(CF_A, 'CA00001AA');
      expect(await d.claimEmail('mario.rossi@example.it', CF_A)).toBe(true);

      expect(await d.resolveUsername(` ${CF_A.toLowerCase()} `)).toBe('CA00001AA');
      expect(await d.resolveUsername('ca00001aa')).toBe('CA00001AA');
      expect(await d.resolveUsername('CA00000AA')).toBeNull();
      expect(await d.resolveUsername('  Mario.Rossi@Example.IT ')).toBe('CA00001AA');
      expect(await d.resolveUsername('nessuno@example.it')).toBeNull();
      expect(await d.resolveUsername('CA99999ZZ')).toBeNull();
      expect(await d.resolveUsername(CF_B)).toBeNull();
      expect(await d.resolveUsername('   ')).toBeNull();
      expect(await d.resolveUsername(`${'a'.repeat(250)}@example.it`)).toBeNull();
    });

    it('R-CARD-5: an email is one identity’s; released by its holder only', async () => {
      const d = fresh();
      await d.setCurrentCard(CF_B, 'CA00002AA');
      expect(await d.claimEmail('luigi@example.it', CF_A)).toBe(true);
      expect(await d.claimEmail('luigi@example.it', CF_B)).toBe(false);
      await d.releaseEmail('luigi@example.it', CF_B);
      expect(await d.claimEmail('luigi@example.it', CF_B)).toBe(false);
      await d.releaseEmail('luigi@example.it', CF_A);
      expect(await d.resolveUsername('luigi@example.it')).toBeNull();
      expect(await d.claimEmail('luigi@example.it', CF_B)).toBe(true);
      expect(await d.resolveUsername('luigi@example.it')).toBe('CA00002AA');
    });

    it('registry: a relying party is registered once, read back as stored, and removed once', async () => {
      const d = fresh();
      const rp = client('https://rp.example.it');
      expect(await d.client(rp.client_id)).toBeNull();
      expect(await d.registerClient(rp)).toBe(true);
      expect(await d.registerClient({ ...rp, client_name: 'Altro' })).toBe(false);
      expect(await d.client(rp.client_id)).toEqual(rp);
      const racers = await Promise.all(Array.from({ length: 10 }, (_, i) => d.registerClient({ ...client('https://race.example.it'), client_name: `n${i}` })));
      expect(racers.filter(Boolean)).toHaveLength(1);
      expect(await d.removeClient(rp.client_id)).toBe(true);
      expect(await d.removeClient(rp.client_id)).toBe(false);
      expect(await d.client(rp.client_id)).toBeNull();
    });

    it('C-17, C-27: a nonce or an assertion id is taken once per client until it expires, then again', async () => {
      const d = fresh();
      const until = Date.now() + 400;
      expect(await d.useNonce('rp-a', 'n'.repeat(32), until)).toBe(true);
      expect(await d.useNonce('rp-a', 'n'.repeat(32), until)).toBe(false);
      expect(await d.useNonce('rp-b', 'n'.repeat(32), until)).toBe(true);
      expect(await d.useAssertionId('rp-a', 'n'.repeat(32), until)).toBe(true);
      expect(await d.useAssertionId('rp-a', 'n'.repeat(32), until)).toBe(false);
      const racers = await Promise.all(Array.from({ length: 20 }, () => d.useNonce('rp-c', 'race', Date.now() + 60_000)));
      expect(racers.filter(Boolean)).toHaveLength(1);
      await sleep(Math.max(0, until - Date.now()) + 200);
      expect(await d.useNonce('rp-a', 'n'.repeat(32), Date.now() + 60_000)).toBe(true);
      expect(await d.useAssertionId('rp-a', 'n'.repeat(32), Date.now() + 60_000)).toBe(true);
    });

    it('R-LOG-8: an unknown username follows the same schedule as an identity — free failures, then waits, then the lock', async () => {
      const d = fresh();
      const key = `unknown-login:${crypto.randomUUID()}`;
      // The schedule itself (core/password-throttle) is the reference: the adapter must count exactly as it does.
      let expected = NO_FAILURES;
      let at = NOW;
      for (let n = 1; n <= LOCK_AFTER_FAILURES; n++) {
        const decision = decideAttempt(expected, at);
        if (!decision.allowed) {
          expect(await d.unknownUsernameGate(key, at)).toEqual(decision);
          expect(await d.unknownUsernameFailure(key, at)).toEqual({ recorded: false, retryAt: decision.retryAt });
          at = decision.retryAt;
        }
        expect(await d.unknownUsernameGate(key, at)).toEqual({ allowed: true });
        expected = afterFailure(expected, at);
        expect(await d.unknownUsernameFailure(key, at)).toEqual({ recorded: true, locked: isLocked(expected, at), state: expected });
        at += 1;
      }
      expect(expected.lockedUntil).toBe(at - 1 + LOCK_MS);
      expect(await d.unknownUsernameGate(key, at)).toEqual({ allowed: false, retryAt: expected.lockedUntil });
      expect(await d.unknownUsernameGate(`unknown-login:${crypto.randomUUID()}`, at)).toEqual({ allowed: true });
    });

    it(`R-LOG-8: of many failures at once on one unknown username, exactly the ${FREE_FAILURES} free ones count`, async () => {
      const d = fresh();
      const key = `unknown-login:${crypto.randomUUID()}`;
      const records = await Promise.all(Array.from({ length: 30 }, () => d.unknownUsernameFailure(key, NOW)));
      expect(records.filter((r) => r.recorded)).toHaveLength(FREE_FAILURES);
      expect(await d.unknownUsernameGate(key, NOW)).toEqual({ allowed: false, retryAt: NOW + 2000 });
    });

    it("R-OTP-2: a decoy recovery's daily count holds its cap under many calls at once, per key and counter, gives back, and starts again the next day", async () => {
      const d = fresh();
      const key = `unknown-login:${crypto.randomUUID()}`;
      const counted = await Promise.all(Array.from({ length: 30 }, () => d.unknownDailyCount(key, 'otp-check', 20, NOW)));
      expect(counted.filter(Boolean)).toHaveLength(20);
      expect(await d.unknownDailyCount(key, 'puk-start', 3, NOW)).toBe(true);
      expect(await d.unknownDailyCount(`unknown-login:${crypto.randomUUID()}`, 'otp-check', 20, NOW)).toBe(true);
      await d.unknownDailyGiveBack(key, 'otp-check', NOW);
      expect(await d.unknownDailyCount(key, 'otp-check', 20, NOW)).toBe(true);
      expect(await d.unknownDailyCount(key, 'otp-check', 20, NOW)).toBe(false);
      expect(await d.unknownDailyCount(key, 'otp-check', 20, NOW + 24 * 3600_000)).toBe(true);
    });

    it('R-CARD-3: the revocation list starts empty; each new card moves the version; the same card again keeps its first line', async () => {
      const d = fresh();
      expect(await d.revocationList(NOW)).toEqual({ version: 0, entries: [], crl: null });
      await d.revokeCertificate(line('CA00001AB', { reason: 'superseded' }), NOW);
      await d.revokeCertificate(line('CA00000AA'), NOW);
      await d.revokeCertificate(line('CA00000AA', { reason: 'superseded', revokedAt: NOW + 1000 }), NOW + 1000);
      const list = await d.revocationList(NOW + 1000);
      expect(list.version).toBe(2);
      expect(list.entries).toEqual([line('CA00000AA'), line('CA00001AB', { reason: 'superseded' })]);
    });

    it('R-CARD-3, R-PUK-3: revocations at once each count once', async () => {
      const d = fresh();
      const serials = Array.from({ length: 12 }, (_, i) => `CA${String(i).padStart(5, '0')}AA`);
      await Promise.all([...serials, ...serials].map((s) => d.revokeCertificate(line(s, { reason: 'puk_blocked' }), NOW)));
      const list = await d.revocationList(NOW);
      expect(list.version).toBe(serials.length);
      expect(list.entries.map((e) => e.serial)).toEqual(serials);
    });

    it('R-CARD-2: a line past its certificate notAfter is left out, and dropped at the next write', async () => {
      const d = fresh();
      const ending = Date.parse('2026-06-20T21:59:59Z');
      await d.revokeCertificate(line('CA00000AA', { notAfter: ending }), NOW);
      expect((await d.revocationList(ending)).entries).toHaveLength(1);
      expect((await d.revocationList(ending + 1)).entries).toHaveLength(0);
      await d.revokeCertificate(line('CA00001AB'), ending + 1);
      // Read as of before its end: still gone, so it was deleted, not only hidden.
      expect((await d.revocationList(ending)).entries.map((e) => e.serial)).toEqual(['CA00001AB']);
    });

    it('R-CARD-3: of two CRLs signed at once, the one of the later list — or the later at the same list — stays', async () => {
      const d = fresh();
      await d.storeCrl({ version: 2, builtAt: NOW, der: 'v2' });
      await d.storeCrl({ version: 1, builtAt: NOW + 5000, der: 'v1-late' });
      expect((await d.revocationList(NOW)).crl).toEqual({ version: 2, builtAt: NOW, der: 'v2' });
      await d.storeCrl({ version: 2, builtAt: NOW - 1, der: 'v2-early' });
      expect((await d.revocationList(NOW)).crl?.der).toBe('v2');
      await d.storeCrl({ version: 2, builtAt: NOW + 1, der: 'v2-later' });
      expect((await d.revocationList(NOW)).crl?.der).toBe('v2-later');
      await d.storeCrl({ version: 3, builtAt: NOW - 10, der: 'v3' });
      const list = await d.revocationList(NOW);
      expect(list.crl).toEqual({ version: 3, builtAt: NOW - 10, der: 'v3' });
      expect(list.version).toBe(0);
    });
  });
}

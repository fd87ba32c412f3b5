import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deepLinkCode, foreignCertificate, READER_HEADER, readerHeaders } from '../src/actors/app-card.ts';
import { runChecks } from '../src/runner/run-checks.ts';
import { suites } from '../src/suites/index.ts';
import { startFakeServer } from './support/fake-server.ts';
import { EC_CERTIFICATE, RSA_CERTIFICATE } from './support/card-fixtures.ts';

/** The App's card side as far as it is pure: the forged certificate, the deep link, the reader header, the suites' ids. */

describe('foreignCertificate: the genuine content signed by a key of someone else', () => {
  it.each([
    ['EC', EC_CERTIFICATE],
    ['RSA', RSA_CERTIFICATE],
  ])('%s card: same serial, subject, issuer name and key; the issuer key does not verify it', (_, pem) => {
    const genuine = new X509Certificate(pem);
    // The fixtures are self-signed: the genuine one verifies with its own (the issuer's) key.
    expect(genuine.verify(genuine.publicKey)).toBe(true);
    const forged = new X509Certificate(foreignCertificate(pem));
    expect(forged.serialNumber).toBe(genuine.serialNumber);
    expect(forged.subject).toBe(genuine.subject);
    expect(forged.issuer).toBe(genuine.issuer);
    expect(forged.validTo).toBe(genuine.validTo);
    expect(forged.publicKey.export({ format: 'jwk' })).toEqual(genuine.publicKey.export({ format: 'jwk' }));
    expect(forged.verify(genuine.publicKey)).toBe(false);
    expect(forged.fingerprint256).not.toBe(genuine.fingerprint256);
  });

  it('each forgery is signed by a new key', () => {
    expect(foreignCertificate(EC_CERTIFICATE)).not.toBe(foreignCertificate(EC_CERTIFICATE));
  });
});

describe('deepLinkCode: the code of "Apri l\'applicazione CieID"', () => {
  it('reads cieid://autenticazione?codice=… from the link, HTML escapes undone', () => {
    const html = '<p><a class="btn" id="apri-app" href="cieid://autenticazione?codice=CIEID-L3.abc.def&amp;x=1">Apri</a></p>';
    expect(deepLinkCode(html)).toBe('CIEID-L3.abc.def');
  });

  it('fails, naming what is missing, without a cieid:// link or its code', () => {
    expect(() => deepLinkCode('<a id="apri-app" href="https://example.org/">x</a>')).toThrow(/not a cieid:\/\/ deep link/);
    expect(() => deepLinkCode('<p>niente</p>')).toThrow(/no "Apri l'applicazione CieID" link/);
    expect(() => deepLinkCode('<a id="apri-app" href="cieid://autenticazione">x</a>')).toThrow(/no "codice"/);
  });
});

describe('the reader header', () => {
  it('carries the PEM URL-encoded, as nginx forwards $ssl_client_escaped_cert', () => {
    const headers = readerHeaders(EC_CERTIFICATE);
    expect(Object.keys(headers)).toEqual([READER_HEADER]);
    expect(headers[READER_HEADER]).not.toMatch(/[\s\n]/);
    expect(decodeURIComponent(headers[READER_HEADER]!)).toBe(EC_CERTIFICATE);
  });
});

describe('the card and level3 suites', () => {
  it('are listed, each check in its own suite, ids unique, every check naming the rules it covers', () => {
    for (const name of ['card', 'level3']) {
      const checks = suites[name]!;
      expect(checks.length).toBeGreaterThan(0);
      for (const check of checks) {
        expect(check.suite).toBe(name);
        expect(check.covers.length).toBeGreaterThan(0);
        for (const rule of check.covers) expect(rule).toMatch(/^R-[A-Z0-9]+-\d+$/);
      }
    }
    const ids = Object.values(suites).flatMap((checks) => checks.map((c) => c.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cover the rules of level 3 (issue 12)', () => {
    const covered = new Set([...suites.card!, ...suites.level3!].flatMap((c) => c.covers));
    for (const rule of ['R-LOG-4', 'R-LOG-5', 'R-LOG-6', 'R-L3-1', 'R-L3-2', 'R-L3-3', 'R-PUK-1', 'R-PUK-3', 'R-CARD-4']) expect(covered).toContain(rule);
  });
});

describe('the reader checks against a deployment without test hooks', () => {
  it('end at once as not passed, saying "skipped: needs TEST_HOOKS", having asked only /__test', async () => {
    const op = await startFakeServer((_, res) => void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found'));
    try {
      const reader = suites.level3!.filter((c) => c.covers.includes('R-LOG-6'));
      expect(reader.map((c) => c.id)).toEqual(['R-LOG-6', 'R-LOG-6.refusals']);
      const report = await runChecks(reader, { baseUrl: op.baseUrl, registryToken: 'unused', concurrency: 2, checkTimeoutMs: 10_000 });
      for (const result of report.results) {
        expect(result.outcome).toBe('failed');
        expect(result.message).toMatch(/^skipped: needs TEST_HOOKS/);
      }
      expect(op.received.every((r) => r.url.startsWith('/__test/'))).toBe(true);
    } finally {
      await op.close();
    }
  });
});

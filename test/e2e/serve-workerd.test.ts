import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, root, stopGroup, waitForHealth } from '../../scripts/lib/dev-server.mjs';
import { durableObjects, workerdConfig } from '../../scripts/lib/workerd-config.mjs';

/**
 * `npm run serve:workerd`: the bundle a deployment uploads, served by standalone workerd with the
 * Durable Objects on local disk and the static assets, as `npm start` would serve them — the runtime
 * every performance figure is taken on (docs/performance.md).
 */
const state = mkdtempSync(join(tmpdir(), 'cieid-workerd-'));
const token = 'workerd-test-token-0123456789abcdef';
let server: ChildProcess;
let base: string;
let log = '';

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [join(root, 'scripts', 'serve-workerd.mjs')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), REGISTRY_TOKEN: token, STATE_DIR: state },
  });
  server.stdout?.on('data', (d) => (log += d));
  server.stderr?.on('data', (d) => (log += d));
  await waitForHealth(base, server, { timeoutMs: 120_000, describe: () => log.slice(-4000) });
}, 150_000);

afterAll(async () => {
  if (server) await stopGroup(server);
  rmSync(state, { recursive: true, force: true });
});

describe('serve:workerd', () => {
  it('serves the static assets with their content types, and nothing outside them', async () => {
    for (const [path, type] of [
      ['/cieid.css', 'text/css'],
      ['/login-wait.js', 'text/javascript'],
      ['/favicon.svg', 'image/svg+xml'],
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(type);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(0);
    }
    for (const path of ['/static', '/static/', '/../wrangler.toml', '/%2e%2e/wrangler.toml', '/.dev.vars', '/nope.css']) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });

  it('runs the Worker with its Durable Objects and secrets: a card is issued, its activation page answers', async () => {
    const page = await fetch(`${base}/attivazione`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('I TUOI DATI');
    const unauthorized = await fetch(`${base}/registry/cards`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(unauthorized.status).toBe(401);
    const card = await fetch(`${base}/registry/cards`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fiscalCode: 'RSSMRA80A01H501U', givenName: 'Mario', familyName: 'Rossi', birthDate: '1980-01-01', phone: '+393331112233' }),
    });
    expect(card.status, await card.clone().text()).toBe(201);
    const { serial } = (await card.json()) as { serial: string };
    const read = await fetch(`${base}/registry/cards/${serial}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(((await read.json()) as { status: string }).status).toBe('issued');
  });
});

describe('workerd-config', () => {
  const config = {
    name: 'svc',
    compatibility_date: '2026-10-01',
    compatibility_flags: ['nodejs_compat'],
    assets: { directory: './public', binding: 'ASSETS' },
    durable_objects: { bindings: [{ name: 'CARD', class_name: 'Card' }] },
    migrations: [{ tag: 'v1', new_sqlite_classes: ['Card'] }],
  };

  it('binds every Durable Object class with SQLite, the assets, and the vars as escaped text', () => {
    const text = workerdConfig({
      config,
      bundle: 'bundle/index.js',
      assetsWorker: 'workerd-assets.js',
      assetsDir: '/srv/public',
      storageDir: '/srv/do',
      vars: { PLAIN: 'a', JSON_KEY: '{"k":"v\\n"}', QUOTE: 'say "hi"\nnext' },
      address: '127.0.0.1:9',
    });
    expect(text).toContain('(className = "Card", uniqueKey = "svc-Card", enableSql = true)');
    expect(text).toContain('(name = "CARD", durableObjectNamespace = "Card")');
    expect(text).toContain('(name = "ASSETS", service = "assets")');
    expect(text).toContain(String.raw`(name = "QUOTE", text = "say \"hi\"\nnext")`);
    expect(text).toContain(String.raw`(name = "JSON_KEY", text = "{\"k\":\"v\\n\"}")`);
    expect(text).toContain('compatibilityFlags = ["nodejs_compat"]');
  });

  it('refuses what it cannot serve as a deployment would: a class without SQLite, another script’s object', () => {
    expect(() => durableObjects({ ...config, migrations: [] })).toThrow(/SQLite/);
    expect(() => durableObjects({ ...config, durable_objects: { bindings: [{ name: 'X', class_name: 'Card', script_name: 'other' }] } })).toThrow(
      /another script/,
    );
  });
});

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { RESULTS_DIR, launchChromium } from './browser';

/**
 * What a person sees, as a tested property of a page state: at desktop and phone width,
 * a screenshot into test-results/pages/ (the gallery docs/pages.md shows), axe-core with no serious or
 * critical violation, every request of the page to our own origin, nothing refused by its CSP.
 */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type Width = keyof typeof VIEWPORTS;

export const GALLERY = join(RESULTS_DIR, 'pages');

/** CSS + JS a page may load, gzipped: 100 KB, so a page opens quickly on a phone network. */
export const ASSET_BUDGET_BYTES = 100 * 1024;

interface Watch {
  origin: string;
  foreign: string[];
  /** What the browser refused under the page's CSP: a refused style or script is a broken page. */
  cspViolations: string[];
}
const watches = new WeakMap<Page, Watch>();

/**
 * Records, from the page's first request on, what it loads from other hosts (nothing may be) and what
 * its Content-Security-Policy refused (nothing may be either).
 */
export function watchPage(page: Page, origin: string): void {
  const watch: Watch = { origin, foreign: [], cspViolations: [] };
  watches.set(page, watch);
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) watch.cspViolations.push(message.text());
  });
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return;
    if (new URL(url).origin !== origin) watch.foreign.push(url);
  });
}

/** What the page's CSP refused since it opened (support for tests that check it at their own moments). */
export function cspViolationsOf(page: Page): string[] {
  const watch = watches.get(page);
  if (!watch) throw new Error('cspViolationsOf(): the page is not watched (citizenPage or watchPage)');
  return watch.cspViolations;
}

/**
 * A page as a citizen opens it: our server, Italian, desktop width (look() tries both widths), watched
 * from its first request on.
 */
export async function citizenPage(browser: Browser, origin: string, { javaScriptEnabled = true } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: origin, locale: 'it-IT', viewport: VIEWPORTS.desktop, javaScriptEnabled });
  const page = await context.newPage();
  watchPage(page, origin);
  return page;
}

/** Chromium and a citizen's page on it, for a test file's beforeAll. */
export async function openCitizen(origin: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  return { browser, page: await citizenPage(browser, origin) };
}

/** Gzipped size by URL: the same theme file is measured once per run. */
const gzipped = new Map<string, Promise<number>>();
function gzippedSize(url: string): Promise<number> {
  let size = gzipped.get(url);
  if (!size) {
    size = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`${url}: ${res.status}`);
      return gzipSync(Buffer.from(await res.arrayBuffer()), { level: 9 }).byteLength;
    });
    gzipped.set(url, size);
  }
  return size;
}

/** The stylesheets and scripts the document links, each fetched again here and gzipped. */
async function assetBytes(page: Page): Promise<{ bytes: number; files: string[] }> {
  const files = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLLinkElement | HTMLScriptElement>('link[rel~="stylesheet"][href], script[src]')).map((el) =>
      el instanceof HTMLLinkElement ? el.href : el.src,
    ),
  );
  const unique = [...new Set(files)];
  const sizes = await Promise.all(unique.map(gzippedSize));
  return { bytes: sizes.reduce((a, b) => a + b, 0), files: unique };
}

export interface Look {
  name: string;
  /** Gzipped CSS + JS of the page. */
  assetBytes: number;
  shots: Record<Width, string>;
}

/** Every look taken in this test file, for a summary line at the end. */
export const looks: Look[] = [];

/**
 * The page as it stands, at both widths: screenshot, axe (the page's own CSP in force — axe runs
 * through the DevTools protocol, which the CSP does not govern), nothing from another host, the asset
 * budget. The viewport is put back to where it was.
 */
export async function look(page: Page, name: string, { axeExclude = [] as string[] } = {}): Promise<Look> {
  const watch = watches.get(page);
  if (!watch) throw new Error('look(): call watchPage(page, origin) before the first navigation');
  mkdirSync(GALLERY, { recursive: true });
  const before = page.viewportSize();
  const shots = {} as Record<Width, string>;
  try {
    for (const [width, size] of Object.entries(VIEWPORTS) as [Width, (typeof VIEWPORTS)[Width]][]) {
      await page.setViewportSize(size);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const path = join(GALLERY, `${name}-${width}.png`);
      await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
      shots[width] = path;
      let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
      for (const selector of axeExclude) builder = builder.exclude(selector);
      const { violations } = await builder.analyze();
      const serious = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious, `axe on ${name} at ${width} width`).toEqual([]);
    }
  } finally {
    if (before) await page.setViewportSize(before);
  }
  expect(watch.foreign, `${name} loaded something from another host`).toEqual([]);
  expect(watch.cspViolations, `${name}: refused by the page's CSP`).toEqual([]);
  const { bytes, files } = await assetBytes(page);
  expect(files.length, `${name} loads its stylesheets`).toBeGreaterThan(0);
  expect(bytes, `${name}: CSS + JS gzipped (${files.join(', ')})`).toBeLessThanOrEqual(ASSET_BUDGET_BYTES);
  const result = { name, assetBytes: bytes, shots };
  looks.push(result);
  return result;
}

/** One line per page state: its name and the CSS + JS it loads, gzipped. */
export function printLooks(title: string): void {
  if (!looks.length) return;
  const lines = looks.map((l) => `  ${l.name.padEnd(36)} ${(l.assetBytes / 1024).toFixed(1).padStart(6)} KB CSS+JS gzipped`);
  console.log(`${title}: ${looks.length} page states at ${Object.keys(VIEWPORTS).join(' and ')} width (test-results/pages/)\n${lines.join('\n')}`);
}

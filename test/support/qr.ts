import { encode } from 'uqr';
import type { Page } from './activation-client';

/**
 * The level 2 page's QR code as the App's camera would read it: the content the page declares, held
 * to the image — the SVG's dark modules must be exactly those of that content's QR symbol.
 */
const MODULE = 10;

function modulesOf(svg: string): Set<string> {
  const path = /<path[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? '';
  return new Set([...path.matchAll(/M(\d+),(\d+)/g)].map((m) => `${Number(m[1]) / MODULE},${Number(m[2]) / MODULE}`));
}

export function qrContent(page: Page): string {
  const block = /<div id="qr"[^>]*data-qr-content="([^"]+)"[^>]*>(<svg[\s\S]*?<\/svg>)/.exec(page.html);
  if (!block) throw new Error(`no QR code on the page "${page.heading}"`);
  const [, content, svg] = block as unknown as [string, string, string];
  const expected = new Set<string>();
  const border = 2;
  encode(content, { border }).data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) expected.add(`${x},${y}`);
    });
  });
  const drawn = modulesOf(svg);
  if (drawn.size !== expected.size || [...expected].some((m) => !drawn.has(m))) throw new Error('the QR image does not encode its declared content');
  return content;
}

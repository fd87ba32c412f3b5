import jsQR from 'jsqr';
import type { Page } from './activation-client';

/**
 * The level 2 page's QR code as the App's camera would read it: the SVG's dark modules drawn as
 * pixels and read by a QR reader (jsQR), which must give the content the page declares.
 */
const MODULE = 10;

/** Modules (true is dark) as a camera sees them: `px` pixels each, black on white, RGBA. */
export function raster(modules: boolean[][], px: number): { pixels: Uint8ClampedArray; side: number } {
  const side = modules.length * px;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [y, row] of modules.entries()) {
    for (const [x, dark] of row.entries()) {
      if (!dark) continue;
      for (let dy = 0; dy < px; dy++) {
        for (let dx = 0; dx < px; dx++) {
          const i = ((y * px + dy) * side + x * px + dx) * 4;
          pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
        }
      }
    }
  }
  return { pixels, side };
}

/** What a QR reader reads in these modules, or null. */
export function readModules(modules: boolean[][]): string | null {
  const { pixels, side } = raster(modules, 3);
  return jsQR(pixels, side, side)?.data ?? null;
}

function modulesOf(svg: string): boolean[][] {
  const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1] ?? 0) / MODULE;
  const modules = Array.from({ length: side }, () => new Array<boolean>(side).fill(false));
  const path = /<path[^>]* d="([^"]+)"/.exec(svg)?.[1] ?? '';
  for (const m of path.matchAll(/M(\d+),(\d+)/g)) modules[Number(m[2]) / MODULE]![Number(m[1]) / MODULE] = true;
  return modules;
}

export function qrContent(page: Page): string {
  const block = /<div id="qr"[^>]*data-qr-content="([^"]+)"[^>]*>(<svg[\s\S]*?<\/svg>)/.exec(page.html);
  if (!block) throw new Error(`no QR code on the page "${page.heading}"`);
  const [, content, svg] = block as unknown as [string, string, string];
  if (readModules(modulesOf(svg)) !== content) throw new Error('the QR image does not encode its declared content');
  return content;
}

import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';

/**
 * The QR code read as a phone's camera would: from pixels, with a QR reader (jsQR), never from the
 * page's markup. Null when no code can be read in the image.
 */
export function decodeQrPng(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
  return found?.data ?? null;
}

export function decodeQrFile(path: string): string | null {
  return decodeQrPng(readFileSync(path));
}

/** A screenshot of what is on screen now (the viewport, not the full page), decoded. */
export async function readQrOnScreen(page: Page): Promise<string | null> {
  return decodeQrPng(await page.screenshot({ fullPage: false }));
}

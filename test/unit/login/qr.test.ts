import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrContent } from '../../../functions/core/app-approvals';
import { QR_BORDER, QR_MASK, qrModules, qrSvg } from '../../../functions/login/qr';

const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
const base64url = (bytes: number) =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** The modules as a camera sees them: `px` pixels each, black on white, RGBA. */
function raster(modules: boolean[][], px: number): { pixels: Uint8ClampedArray; side: number } {
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

describe('login/qr: the level 2 page QR code with its fixed mask (R-LOG-3)', () => {
  it('every code of ours, made with the fixed mask, is read back by a QR reader', () => {
    // Our codes' shape: the prefix, the login object's id (64 hex) and a random secret.
    for (let i = 0; i < 60; i++) {
      const content = qrContent(hex(32), base64url(32));
      const { size, data } = qrModules(content);
      expect(size).toBe(data.length);
      const { pixels, side } = raster(data, 3);
      expect(jsQR(pixels, side, side)?.data).toBe(content);
    }
  });

  it('the mask is the fixed one (the reader above checks the format bits carry it), and the border is the one the page pads to a quiet zone', () => {
    const { data, maskPattern } = qrModules(qrContent(hex(32), base64url(32)));
    expect(maskPattern).toBe(QR_MASK);
    for (let i = 0; i < QR_BORDER; i++) {
      expect(data[i]!.every((dark) => !dark)).toBe(true);
      expect(data.every((row) => !row[i])).toBe(true);
    }
  });

  it('the SVG draws the same modules', () => {
    const content = qrContent(hex(32), base64url(32));
    const { size, data } = qrModules(content);
    const svg = qrSvg(content);
    const squares = svg.match(/M\d+,\d+h/g) ?? [];
    expect(squares.length).toBe(data.flat().filter(Boolean).length);
    expect(svg).toContain(`viewBox="0 0 ${size * 10} ${size * 10}"`);
  });
});

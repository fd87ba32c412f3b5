import { describe, expect, it } from 'vitest';
import { qrContent } from '../../../functions/core/app-approvals';
import { QR_BORDER, QR_MASK, qrModules, qrSvg } from '../../../functions/login/qr';
import { readModules } from '../../support/qr';

const hex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
const base64url = (bytes: number) =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

describe('login/qr: the level 2 page QR code with its fixed mask (R-LOG-3)', () => {
  it('every code of ours, made with the fixed mask, is read back by a QR reader', () => {
    // Our codes' shape: the prefix, the login object's id (64 hex) and a random secret.
    for (let i = 0; i < 60; i++) {
      const content = qrContent(hex(32), base64url(32));
      const { size, data, maskPattern } = qrModules(content);
      // Every code, not one: the penalty rules would pick mask 2 for two thirds of them anyway.
      expect(maskPattern).toBe(QR_MASK);
      expect(size).toBe(data.length);
      expect(readModules(data)).toBe(content);
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

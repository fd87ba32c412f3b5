import encoding from 'k6/encoding';

/** Byte helpers for a runtime without Buffer, atob or URL. */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

export const b64url = (data: ArrayBuffer | Uint8Array | string): string => encoding.b64encode(typeof data === 'string' ? data : toArrayBuffer(data), 'rawurl');

export const b64urlDecode = (text: string): string => encoding.b64decode(text, 'rawurl', 's');

export function toArrayBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data;
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `bytes` random bytes, base64url: state, nonce, PKCE verifier, jti. */
export function randomToken(bytes = 32): string {
  return b64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

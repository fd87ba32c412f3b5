import { concat, utf8 } from '../bytes.ts';

/**
 * The CBOR (RFC 8949) a WebAuthn "none" attestation needs: the COSE public key and the attestation
 * object are maps of small integers, text and byte strings. k6 has no Buffer and no CBOR library, and
 * these few shapes are a handful of lines.
 *
 * API:
 * - `Cbor`: the values written — integers (negative ones as COSE labels use them), text, bytes, maps.
 * - `cbor(value)`: its canonical encoding as bytes (maps keep their insertion order: the callers
 *   insert keys in the order the specs list them).
 */
export type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

const MAJOR = { unsigned: 0, negative: 1, bytes: 2, text: 3, map: 5 } as const;

/** The initial byte and the shortest argument encoding for `n` (lengths and integers alike). */
function head(major: number, n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`CBOR argument out of range: ${n}`);
  const type = major << 5;
  if (n < 24) return Uint8Array.of(type | n);
  if (n < 0x100) return Uint8Array.of(type | 24, n);
  if (n < 0x10000) return Uint8Array.of(type | 25, n >> 8, n & 0xff);
  return Uint8Array.of(type | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function cbor(value: Cbor): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? head(MAJOR.unsigned, value) : head(MAJOR.negative, -1 - value);
  if (typeof value === 'string') {
    const bytes = utf8(value);
    return concat(head(MAJOR.text, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(MAJOR.bytes, value.length), value);
  const parts = [head(MAJOR.map, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return concat(...parts);
}

import { sha256 } from 'k6/crypto';
import { randomToken } from './bytes.ts';

/** RFC 7636 S256: a fresh verifier and its challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomToken(48);
  return { verifier, challenge: sha256(verifier, 'base64rawurl') };
}

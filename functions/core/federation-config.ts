import { isObject } from './federation-json';
import { checkPublicJwk, type PublicJwk } from './jose-algorithms';

/**
 * The federation's configuration (functions/env.ts: FEDERATION_TRUST_ANCHORS,
 * FEDERATION_REQUIRED_TRUST_MARKS, FEDERATION_TRUST_MARKS), parsed once and refused whole when any
 * part is malformed: a half-read list of trusted anchors would trust the wrong ones.
 */

export type TrustAnchors = ReadonlyMap<string, { keys: PublicJwk[] }>;
export type ConfigParse<T> = { ok: true; value: T } | { ok: false; problem: string };

/** `{"<trust anchor entity id>": {"keys": [<public JWK>, …]}}`; unset or `{}` is no anchor at all. */
export function parseTrustAnchors(text: string | undefined): ConfigParse<TrustAnchors> {
  if (!text?.trim()) return { ok: true, value: new Map() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'FEDERATION_TRUST_ANCHORS is not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, problem: 'FEDERATION_TRUST_ANCHORS must be an object' };
  const anchors = new Map<string, { keys: PublicJwk[] }>();
  for (const [id, entry] of Object.entries(parsed)) {
    const keys = isObject(entry) ? entry.keys : undefined;
    if (!Array.isArray(keys) || !keys.length) return { ok: false, problem: `FEDERATION_TRUST_ANCHORS[${id}] has no keys` };
    const checked: PublicJwk[] = [];
    for (const key of keys) {
      const result = checkPublicJwk(key);
      if (!result.ok) return { ok: false, problem: `FEDERATION_TRUST_ANCHORS[${id}]: ${result.message}` };
      checked.push(result.jwk);
    }
    anchors.set(id.replace(/\/+$/, ''), { keys: checked });
  }
  return { ok: true, value: anchors };
}

/** Comma-separated trust mark ids every relying party must carry. */
export const parseRequiredTrustMarks = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

/** Our own trust marks, `[{"id": "...", "trust_mark": "<jwt>"}]`, published in our entity configuration. */
export function parseOwnTrustMarks(text: string | undefined): ConfigParse<{ id: string; trust_mark: string }[]> {
  if (!text?.trim()) return { ok: true, value: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'FEDERATION_TRUST_MARKS is not JSON' };
  }
  if (!Array.isArray(parsed)) return { ok: false, problem: 'FEDERATION_TRUST_MARKS must be a list' };
  const marks: { id: string; trust_mark: string }[] = [];
  for (const entry of parsed) {
    if (
      !isObject(entry) ||
      typeof entry.id !== 'string' ||
      !entry.id ||
      typeof entry.trust_mark !== 'string' ||
      !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(entry.trust_mark)
    ) {
      return { ok: false, problem: 'FEDERATION_TRUST_MARKS entries must be {"id": "...", "trust_mark": "<jwt>"}' };
    }
    marks.push({ id: entry.id, trust_mark: entry.trust_mark });
  }
  return { ok: true, value: marks };
}

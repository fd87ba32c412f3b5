import type { Env } from '../env';
import { ExpiringCache } from '../core/expiring-cache';
import { RELYING_PARTY } from '../core/federation-chain';
import { withSecurityHeaders } from '../platform/http';
import { type ChainResolution, type FailureKind, TOO_MANY_RESOLUTIONS, resolutionsFull, resolveTrustChain, trustAnchorsOf } from '../platform/federation';
import { OAuthError } from './errors';
import { ENTITY_CONFIGURATION_TTL_SECONDS } from './federation';
import { issuerOf } from './issuer';
import { signJwt } from './keys';

/** The entity types a resolution may be asked for. */
const TYPES = new Set([RELYING_PARTY, 'openid_provider', 'federation_entity']);

/**
 * Resolutions answered here are kept per isolate for RESOLVE_CACHE_MS (at most RESOLVES_KEPT of
 * them): the endpoint is open to anyone, and each resolution may fetch up to 16 statements, so a
 * flood of requests must not become a flood of fetches from us.
 */
const RESOLVE_CACHE_MS = 30_000;
const RESOLVES_KEPT = 256;
const resolutions = new ExpiringCache<string, Promise<ChainResolution>>(RESOLVES_KEPT, RESOLVE_CACHE_MS);

const MAX_PARAMETER = 1024;

/** §8.9: what each kind of failure (platform/federation) is called by a resolve endpoint. */
const RESOLVE_ERRORS: Record<FailureKind, string> = {
  chain: 'invalid_trust_chain',
  policy: 'invalid_metadata',
  unreachable: 'temporarily_unavailable',
};

/**
 * GET /oidc/resolve?sub=<entity id>&anchor=<trust anchor>[&type=<entity type>] (OpenID Federation 1.0
 * §8.3; `trust_anchor` and `entity_type` are the final specification's names and are read too): the
 * subject's trust chain as we resolve it ourselves, its metadata after the chain's policies, signed
 * by us as `resolve-response+jwt`. Errors in the words of the specification's §8.9 (RESOLVE_ERRORS).
 */
export async function resolve(request: Request, env: Env): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const sub = query.get('sub');
  const anchor = query.get('anchor') ?? query.get('trust_anchor');
  const type = query.get('type') ?? query.get('entity_type') ?? RELYING_PARTY;
  if (!sub || !anchor || sub.length > MAX_PARAMETER || anchor.length > MAX_PARAMETER) throw new OAuthError('invalid_request', 'sub and anchor are required');
  if (!TYPES.has(type)) throw new OAuthError('invalid_request', `type must be one of ${[...TYPES].join(', ')}`);
  if (!trustAnchorsOf(env).has(anchor.replace(/\/+$/, ''))) throw new OAuthError('invalid_trust_anchor', 'anchor is not a trust anchor of this provider', 404);

  const key = JSON.stringify([sub, anchor, type]);
  const now = Date.now();
  const iat = Math.floor(now / 1000);
  // /oidc/resolve's own share of the resolutions at once (platform/federation), checked only when a
  // resolution must start, so kept answers are still served; a refusal for now is a rejected promise,
  // which the cache does not keep as this subject's answer.
  const start = (): Promise<ChainResolution> =>
    resolutionsFull('resolve-endpoint')
      ? Promise.reject(new OAuthError('temporarily_unavailable', `trust chain not valid: ${TOO_MANY_RESOLUTIONS.reason}`))
      : resolveTrustChain(env, sub, type, now, { anchorId: anchor });
  let statement: string;
  try {
    let resolution = await resolutions.get(key, now, start);
    // A kept answer whose chain has expired since is resolved afresh: never signed with exp ≤ iat.
    if (resolution.ok && resolution.chain.exp <= iat) {
      resolutions.delete(key);
      resolution = await resolutions.get(key, now, start);
    }
    if (!resolution.ok) {
      const { kind, reason } = resolution.failure;
      throw new OAuthError(RESOLVE_ERRORS[kind], `trust chain not valid: ${reason}`);
    }
    const { chain } = resolution;
    if (chain.exp <= iat) throw new OAuthError(RESOLVE_ERRORS.chain, 'trust chain not valid: expired');
    statement = await signJwt(
      env,
      {
        iss: issuerOf(env, request),
        sub,
        iat,
        exp: Math.min(chain.exp, iat + ENTITY_CONFIGURATION_TTL_SECONDS),
        metadata: { [type]: chain.metadata },
        ...(chain.trustMarks.length ? { trust_marks: chain.trustMarks } : {}),
        trust_chain: chain.jwts,
      },
      { typ: 'resolve-response+jwt' },
    );
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    // What strangers' statements hold must never make this open endpoint answer 5xx.
    console.error('federation: /oidc/resolve failed unexpectedly', err instanceof Error ? err.message : String(err));
    throw new OAuthError('temporarily_unavailable', 'trust chain not valid: the trust chain could not be resolved');
  }
  return new Response(statement, {
    status: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/resolve-response+jwt', 'Cache-Control': 'no-store' }),
  });
}

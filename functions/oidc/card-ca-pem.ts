import type { Env } from '../env';
import { cardCaPem } from '../platform/card-ca';
import { withSecurityHeaders } from '../platform/http';

/** GET /.well-known/cie-ca.pem — the card CA's certificate (docs/level3.md): public, cacheable like the other metadata. */
export async function cardCaCertificate(_request: Request, env: Env): Promise<Response> {
  return new Response(await cardCaPem(env), {
    status: 200,
    headers: withSecurityHeaders({ 'Content-Type': 'application/x-pem-file', 'Cache-Control': 'public, max-age=300' }),
  });
}

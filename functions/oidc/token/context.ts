import type { Env } from '../../env';
import type { RegisteredClient } from '../../core/oidc-client';
import type { Endpoints } from '../issuer';

/** What both grants of the token endpoint start from: an authenticated client and its form. */
export interface TokenRequest {
  env: Env;
  /** For work after the answer (waitUntil): what must not slow the token endpoint, such as a notice. */
  ctx: ExecutionContext;
  endpoints: Endpoints;
  client: RegisteredClient;
  params: Map<string, string>;
  /** Epoch milliseconds. */
  now: number;
}

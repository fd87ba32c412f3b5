import type { JWTPayload } from 'jose';
import type { Env } from '../../env';
import type { Level } from '../../core/login-levels';
import type { ClaimsRequest } from '../../core/oidc-claims';
import type { RegisteredClient } from '../../core/oidc-client';
import type { ResponseTarget } from '../authorization-response';

/**
 * What the authorization endpoint's steps share. Each step reads what earlier steps established
 * and adds its own conclusion; the first one that refuses throws the OAuth error that says why.
 */
export interface AuthorizeContext {
  env: Env;
  request: Request;
  /** Epoch milliseconds, one clock for every step. */
  now: number;
  issuer: string;
  /** The query (GET) or form (POST) parameters. */
  params: Map<string, string>;
  /**
   * The request object's claims read before its signature is checked — used only to find the client
   * and the redirect_uri, both then checked against the registry, never trusted for anything else.
   */
  unverified: JWTPayload | null;
  client?: RegisteredClient;
  /** Set once the redirect_uri is known to be registered: from then on errors go back to the RP. */
  target?: ResponseTarget;
  /** The request object's claims once its signature is verified: the values every later step uses. */
  object?: JWTPayload;
  scope?: string[];
  level?: Level;
  claims?: ClaimsRequest;
  prompt?: string[];
}

export type Step = (ctx: AuthorizeContext) => void | Promise<void>;

/** The verified request object; steps after the signature check may rely on it. */
export function verified(ctx: AuthorizeContext): JWTPayload {
  if (!ctx.object) throw new Error('authorize: step ordered before the request object check');
  return ctx.object;
}

/** A string claim of the verified request object, or undefined. */
export function claim(ctx: AuthorizeContext, name: string): string | undefined {
  const value = verified(ctx)[name];
  return typeof value === 'string' ? value : undefined;
}

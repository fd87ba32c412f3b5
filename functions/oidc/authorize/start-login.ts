import type { LoginRequest } from '../../core/login-request';
import { requestedClaims } from '../../core/oidc-claims';
import { readCookie, setCookie } from '../../platform/cookies';
import { randomId } from '../../platform/crypto';
import { redirect } from '../../platform/http';
import { ServerError } from '../errors';
import { LOGIN_COOKIE, LOGIN_COOKIE_MAX_AGE_SECONDS, openLogin } from '../handoff';
import { claim, type AuthorizeContext } from './context';

/** A browser keeps its binding cookie across logins, so two tabs with two logins both keep working. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The request is good: open the login flow (docs/login-handoff.md), bind it to this browser and
 * send the citizen to the login pages.
 */
export async function startLogin(ctx: AuthorizeContext): Promise<Response> {
  const client = ctx.client!;
  const target = ctx.target!;
  const loginRequest: LoginRequest = {
    clientId: client.client_id,
    clientName: client.client_name,
    redirectUri: target.redirectUri,
    responseMode: target.responseMode,
    state: claim(ctx, 'state')!,
    nonce: claim(ctx, 'nonce')!,
    acr: ctx.level!,
    scope: ctx.scope!,
    claims: requestedClaims(ctx.scope!, ctx.claims!),
    codeChallenge: claim(ctx, 'code_challenge')!,
    prompt: ctx.prompt!,
  };
  const existing = readCookie(ctx.request, LOGIN_COOKIE);
  const cookie = existing && COOKIE_VALUE.test(existing) ? existing : randomId();
  const flowId = await openLogin(ctx.env, loginRequest, ctx.issuer, cookie, ctx.now);
  if (!flowId) throw new ServerError();
  const url = new URL(ctx.request.url);
  return redirect(`/login/${flowId}`, 303, { 'Set-Cookie': setCookie(url, LOGIN_COOKIE, cookie, LOGIN_COOKIE_MAX_AGE_SECONDS) });
}

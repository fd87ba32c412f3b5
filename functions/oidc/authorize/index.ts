import type { Env } from '../../env';
import { asOAuthError, authorizationErrorPage, authorizationErrorRedirect } from '../errors';
import { issuerOf } from '../issuer';
import { checkAcrValues } from './check-acr-values';
import { checkClaims } from './check-claims';
import { checkClient } from './check-client';
import { checkClientId } from './check-client-id';
import { checkNonceReplay } from './check-nonce-replay';
import { checkOfflineAccess } from './check-offline-access';
import { checkPkce } from './check-pkce';
import { checkPrompt } from './check-prompt';
import { checkRedirectUri } from './check-redirect-uri';
import { checkRequestObject } from './check-request-object';
import { checkRequestObjectClaims } from './check-request-object-claims';
import { checkResponseMode } from './check-response-mode';
import { checkResponseType } from './check-response-type';
import { checkScope } from './check-scope';
import { checkSignedTarget } from './check-signed-target';
import { checkStateAndNonce } from './check-state-and-nonce';
import type { AuthorizeContext, Step } from './context';
import { peekRequestObject, readParameters } from './read-parameters';
import { startLogin } from './start-login';

/**
 * GET|POST /oidc/authorize: the request passes these steps in order, each one rule of the profile.
 * The first two decide whether errors may go back to the RP at all (C-7, C-13); the nonce is
 * consumed last, so a refused request does not burn it.
 */
const STEPS: Step[] = [
  checkClient,
  checkRedirectUri,
  checkRequestObject,
  checkRequestObjectClaims,
  checkClientId,
  checkResponseType,
  checkResponseMode,
  checkSignedTarget,
  checkScope,
  checkPkce,
  checkStateAndNonce,
  checkPrompt,
  checkAcrValues,
  checkClaims,
  checkOfflineAccess,
  checkNonceReplay,
];

export async function authorize(request: Request, env: Env): Promise<Response> {
  let ctx: AuthorizeContext | null = null;
  try {
    const params = await readParameters(request);
    ctx = { env, request, now: Date.now(), issuer: issuerOf(env, request), params, unverified: peekRequestObject(params) };
    for (const step of STEPS) await step(ctx);
    return await startLogin(ctx);
  } catch (err) {
    const oauthError = asOAuthError(err);
    return ctx?.target ? authorizationErrorRedirect(ctx.target, oauthError) : authorizationErrorPage(oauthError);
  }
}

import { type Adapter, credentials, hasField } from './adapter.ts';

/**
 * oidc-provider with the one-step login of scripts/lib/oidc-provider-login.mjs: its interaction
 * page, the password (which grants login and consent at once, 303 to the authorization resume
 * URL), and the resume, which answers the redirect to the RP.
 */
export const oidcProvider: Adapter = {
  hops: [
    { step: 'login_page', kind: 'follow', expect: 200 },
    { step: 'password', kind: 'submit', form: hasField('password'), values: credentials, expect: 303 },
    { step: 'resume', kind: 'follow', expect: 303 },
  ],
};

import { type Adapter, credentials, hasButton, hasField } from './adapter.ts';

/**
 * Ours at level 1 (docs/login-pages.md): the credentials page, the password (303 back to the flow's
 * page, now the consent step), the consent page and its "Prosegui", which answers the redirect to
 * the RP.
 */
export const cieid: Adapter = {
  hops: [
    { step: 'login_page', kind: 'follow', expect: 200 },
    { step: 'password', kind: 'submit', form: hasField('password'), values: credentials, expect: 303 },
    { step: 'consent_page', kind: 'follow', expect: 200 },
    { step: 'consent', kind: 'submit', form: hasButton('Prosegui'), expect: 302 },
  ],
};

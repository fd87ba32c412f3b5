import { type Adapter, credentials, hasButton, hasField } from './adapter.ts';

/**
 * Ours at level 1 (docs/login-pages.md): the credentials page, the password (answered with the
 * consent page itself: the flow's next page, not a redirect to it) and the consent's "Prosegui",
 * which answers the redirect to the RP.
 */
export const cieid: Adapter = {
  hops: [
    { step: 'login_page', kind: 'follow', expect: 200 },
    { step: 'password', kind: 'submit', form: hasField('password'), values: credentials, expect: 200 },
    { step: 'consent', kind: 'submit', form: hasButton('Prosegui'), expect: 302 },
  ],
};

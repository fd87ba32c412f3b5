import type { Check } from '../core/check.ts';
import { authorizeChecks } from './oidc/authorize.ts';
import { outcomeChecks } from './oidc/outcomes.ts';
import { refreshChecks } from './oidc/refresh.ts';
import { tokenChecks } from './oidc/token.ts';
import { tokensChecks } from './oidc/tokens.ts';
import { userinfoChecks } from './oidc/userinfo.ts';

/** C-5 … C-39: the OpenID Provider as a relying party of the SPID/CIE profile meets it (one suite, one file per endpoint). */
export const oidcChecks: Check[] = [...authorizeChecks, ...outcomeChecks, ...tokenChecks, ...tokensChecks, ...userinfoChecks, ...refreshChecks];

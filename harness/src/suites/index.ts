import type { Check } from '../core/check.ts';
import { accountChecks } from './account.ts';
import { activationChecks } from './activation.ts';
import { appChecks } from './app.ts';
import { cardChecks } from './card.ts';
import { federationChecks } from './federation.ts';
import { level3Checks } from './level3.ts';
import { loginAppChecks } from './login-app.ts';
import { loginChecks } from './login.ts';
import { metadataChecks } from './metadata.ts';
import { oidcChecks } from './oidc.ts';
import { recoveryChecks } from './recovery.ts';

/** Every suite by name: what `--suite` selects. */
export const suites: Record<string, Check[]> = {
  metadata: metadataChecks,
  activation: activationChecks,
  login: loginChecks,
  app: appChecks,
  'login-app': loginAppChecks,
  oidc: oidcChecks,
  card: cardChecks,
  level3: level3Checks,
  recovery: recoveryChecks,
  federation: federationChecks,
  account: accountChecks,
};

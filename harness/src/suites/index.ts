import type { Check } from '../core/check.ts';
import { activationChecks } from './activation.ts';
import { appChecks } from './app.ts';
import { cardChecks } from './card.ts';
import { level3Checks } from './level3.ts';
import { loginAppChecks } from './login-app.ts';
import { loginChecks } from './login.ts';
import { metadataChecks } from './metadata.ts';
import { oidcChecks } from './oidc.ts';

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
};

import type { Check } from '../core/check.ts';
import { activationChecks } from './activation.ts';
import { loginChecks } from './login.ts';
import { metadataChecks } from './metadata.ts';
import { oidcChecks } from './oidc.ts';

/** Every suite by name: what `--suite` selects. */
export const suites: Record<string, Check[]> = {
  metadata: metadataChecks,
  activation: activationChecks,
  login: loginChecks,
  oidc: oidcChecks,
};

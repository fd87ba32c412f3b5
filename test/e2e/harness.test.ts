import { inject, it } from 'vitest';
import { expectHarnessPasses } from './support/harness-run';

/**
 * The conformance harness, every suite, against this run's `wrangler dev`: the same command QA runs
 * against a deployment, so a rule the service breaks fails `npm test` by the check's name.
 */
it('passes every conformance check of the harness', async () => {
  await expectHarnessPasses(inject('baseUrl'), inject('registryToken'), 'harness', inject('trustAnchor'));
}, 600_000);

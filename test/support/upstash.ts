import { inject } from 'vitest';
import type { UpstashConfig } from '../../functions/platform/directory-upstash';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Upstash-REST bridge in front of this run's redis-server (test/support/upstash-global-setup.mjs). */
    upstash: UpstashConfig | { error: string };
  }
}

/** The local Upstash of this test run; throws the reason it could not be started. */
export function localUpstash(): UpstashConfig {
  const given = inject('upstash');
  if (!given) throw new Error('no Upstash bridge: vitest.config.ts must list test/support/upstash-global-setup.mjs in globalSetup');
  if ('error' in given) throw new Error(`the Upstash bridge could not start: ${given.error}`);
  return given;
}

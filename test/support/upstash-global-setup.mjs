// vitest's globalSetup for the workerd tests (vitest.config.ts): it runs in Node, where processes can be
// started, and hands the bridge's URL and token to the tests inside workerd through `provide` (read with
// `inject`, test/support/upstash.ts). One redis-server and one bridge for the whole run, nothing on disk.
import { startUpstashStack } from '../../scripts/lib/upstash-bridge.mjs';

export default async function setup(project) {
  let stack;
  try {
    stack = await startUpstashStack();
  } catch (err) {
    // Only the Upstash tests need it: they fail with this reason; every other test runs as usual.
    project.provide('upstash', { error: err instanceof Error ? err.message : String(err) });
    return;
  }
  project.provide('upstash', { url: stack.url, token: stack.token });
  return () => stack.close();
}

#!/usr/bin/env node
// Plain JavaScript on purpose: this file must at least start on an older Node, to find a newer one.
// The harness itself is TypeScript that Node ≥ 22 runs by stripping the types, with no build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REEXEC_MARK = 'CIE_HARNESS_REEXEC';
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

if (process.features.typescript) {
  await start();
} else {
  reexec();
}

async function start() {
  const { main } = await import('../src/cli.ts');
  const argv = process.argv.slice(2);
  let code;
  try {
    code = await main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
  } catch (err) {
    const verbose = argv.includes('--verbose') || argv.includes('-v');
    process.stderr.write(`cie-harness: ${verbose && err instanceof Error ? err.stack : err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  // A check that ran out of time may leave timers behind; they must not hold the verdict back.
  process.stdout.write('', () => process.exit(code));
}

/**
 * The system Node is older (npm scripts bring the repository's Node 22 first on PATH, a bare shell
 * may not): run again with the `node` package installed next to the harness, found walking up.
 */
function reexec() {
  const node = process.env[REEXEC_MARK] ? undefined : findNode(packageDir);
  if (!node) {
    process.stderr.write(
      `cie-harness needs Node 22 or newer, able to run TypeScript (this is ${process.version}),\n` +
        `and ${process.env[REEXEC_MARK] ? 'the one in node_modules/.bin is not either' : 'found none in node_modules/.bin'}.\n` +
        'Run `npm install` at the repository root (it installs Node 22 as a development dependency),\n' +
        'or start the harness through `npx cie-harness` / `npm run conformance`.\n',
    );
    process.exit(2);
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [REEXEC_MARK]: '1' },
  });
  if (result.error) {
    process.stderr.write(`cie-harness: could not start ${node}: ${result.error.message}\n`);
    process.exit(2);
  }
  process.exit(result.status ?? 1);
}

function findNode(from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', 'node');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

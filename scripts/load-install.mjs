// `npm run load:install`: k6 (pinned in load/k6/go.mod) into .tools/bin/k6, built with `go install`
// when missing or of another version. Go modules come from the Go module proxy; the pinned go.sum
// makes the build the same everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { K6_BIN, K6_VERSION, TOOLS_BIN } from './lib/k6.mjs';
import { root } from './lib/dev-server.mjs';
import { GO_MIN, goCanBuildK6 } from './lib/go-version.mjs';

const installed = () => {
  if (!existsSync(K6_BIN)) return null;
  const out = spawnSync(K6_BIN, ['version'], { encoding: 'utf8' });
  return out.status === 0 ? out.stdout.trim() : null;
};

const current = installed();
if (current?.startsWith(`k6 ${K6_VERSION} `)) {
  console.log(`load:install: ${current} already at ${K6_BIN}`);
  process.exit(0);
}

// Go builds k6. A machine without it gets Debian's, installed as Chromium is (as root, through sudo, or
// one line saying how); a Go older than 1.21 (Debian 12's is 1.19) cannot fetch the toolchain go.mod asks
// for, and says so in one line.
const goVersion = () => spawnSync('go', ['version'], { encoding: 'utf8' });
let go = goVersion();
if (go.status !== 0) {
  const apt = spawnSync('bash', [join(root, 'scripts', 'apt-install.sh'), 'Go (to build k6)', 'golang-go', 'ca-certificates'], { stdio: 'inherit' });
  if (apt.status !== 0) process.exit(1);
  go = goVersion();
}
if (go.status !== 0 || !goCanBuildK6(go.stdout)) {
  const found = go.status === 0 ? go.stdout.trim() : 'no `go` on the PATH';
  console.error(`load:install: building k6 needs Go ≥ ${GO_MIN.join('.')} (found: ${found}); install Go ${GO_MIN.join('.')} or newer and run it again`);
  process.exit(1);
}
console.log(`load:install: building k6 ${K6_VERSION} with ${go.stdout.trim()} (a minute or two the first time)`);
// `go install PKG@VERSION` would also look up the module's deprecation through the proxy's version
// list, which the proxy may not serve for /v2; installing inside load/k6 takes the version from its
// go.mod and checks every module against go.sum instead.
const build = spawnSync('go', ['install', 'go.k6.io/k6/v2'], {
  cwd: join(root, 'load', 'k6'),
  stdio: 'inherit',
  env: { ...process.env, GOBIN: TOOLS_BIN, GOFLAGS: '-mod=readonly', GOPROXY: process.env.GOPROXY ?? 'https://proxy.golang.org,off' },
});
if (build.status !== 0) {
  console.error(`load:install: go install failed (exit ${build.status})`);
  process.exit(1);
}
const now = installed();
if (!now?.startsWith(`k6 ${K6_VERSION} `)) {
  console.error(`load:install: built, but ${K6_BIN} says ${now ?? 'nothing'} instead of k6 ${K6_VERSION}`);
  process.exit(1);
}
console.log(`load:install: ${now} at ${K6_BIN}`);

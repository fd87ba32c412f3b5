/**
 * Whether a `go version` line can build load/k6: Go 1.21 is the first to read a three-part `go 1.25.0`
 * line and to fetch the toolchain go.mod asks for from the module proxy (GOTOOLCHAIN=auto); Debian 12's
 * golang-go (1.19) is older, so on such a machine a newer Go has to be installed by hand.
 */
export const GO_MIN = [1, 21];

export function goCanBuildK6(versionLine) {
  const m = /\bgo(\d+)\.(\d+)/.exec(versionLine ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > GO_MIN[0] || (major === GO_MIN[0] && minor >= GO_MIN[1]);
}

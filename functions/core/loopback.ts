/** The host names of this machine itself: where plain http and the development configuration are allowed. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `hostname` as URL gives it (IPv6 in brackets). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);

/**
 * May the development configuration answer a request that arrived under `hostname`? On loopback
 * always; elsewhere only on a host named in DEVELOPMENT_HOSTS (comma-separated, exact names) — a
 * staging deployment that runs the conformance harness says so on purpose, a mistaken deploy does not.
 */
export function developmentHostAllowed(hostname: string, configured: string | undefined): boolean {
  if (isLoopbackHost(hostname)) return true;
  return (configured ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .some((host) => host !== '' && host === hostname);
}

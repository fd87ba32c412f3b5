import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S } from './args.ts';

export const HELP = `cie-harness — conformance checks for a CieID deployment, over HTTP only

Usage:
  cie-harness run --base-url URL --registry-token TOKEN [options]
  cie-harness list [--suite NAMES] [--only IDS]
  cie-harness trust-anchor [--listen HOST:PORT] [--keys FILE] [--print-config]   (see: trust-anchor --help)
  cie-harness --help

run options:
  --base-url URL          the deployment's origin, e.g. http://127.0.0.1:8787
  --registry-token TOKEN  bearer token of its registry API (or REGISTRY_TOKEN in the environment)
  --suite NAMES           only these suites, comma-separated (see: cie-harness list)
  --only IDS              only the checks with these ids, or covering these rules: C-12,R-ACT-3
  --report DIR            write DIR/junit.xml and DIR/report.html
  --concurrency N         checks running at once (default ${DEFAULT_CONCURRENCY})
  --timeout S             seconds a check may take before it fails (default ${DEFAULT_TIMEOUT_S})
  -v, --verbose           every check's log, and for failures all HTTP exchanges and stacks
  --federation-ta URL     the development Trust Anchor the deployment trusts (suite federation);
                          its admin token in --federation-ta-token or FEDERATION_TA_TOKEN

Exit codes: 0 every check passed · 1 a check failed or errored · 2 wrong usage.
The deployment needs its test hooks on (TEST_HOOKS): the harness reads one-time codes from /__test/outbox.
`;

import type { Http } from './http.ts';

/**
 * A conformance check: one assertion a relying party or a rule requires of a deployment, judged over
 * HTTP only. `id` is unique in the harness; `covers` names the rules (R-…) or profile checks (C-…)
 * it proves, so a report shows which hold.
 */
export interface Check {
  id: string;
  suite: string;
  covers: string[];
  title: string;
  run(ctx: CheckContext): Promise<void>;
}

export interface CheckContext {
  /** The deployment under test, e.g. http://127.0.0.1:8787 */
  baseUrl: URL;
  registryToken: string;
  /** Every request goes through it, so a failure can show its HTTP exchanges. */
  http: Http;
  /** A line of progress detail, shown with the check's result. */
  log(message: string): void;
  /** The development Trust Anchor the deployment trusts (`--federation-ta`): what suite federation needs. */
  trustAnchor?: TrustAnchorTarget;
}

/** Where the Trust Anchor answers and the token of its admin API (harness/src/federation/trust-anchor.ts). */
export interface TrustAnchorTarget {
  url: URL;
  adminToken: string;
}

/** Thrown by assertions; the runner reports its message and the exchanges recorded so far. */
export class CheckFailure extends Error {
  // A declared field, not a parameter property: Node runs this file by stripping types only.
  readonly details?: unknown;
  constructor(message: string, details?: unknown) {
    super(message);
    this.name = 'CheckFailure';
    this.details = details;
  }
}

export function defineCheck(check: Check): Check {
  return check;
}

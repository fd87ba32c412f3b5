export const VENV_PYTHON: string;

export interface Lab {
  /** Our OP's entity id (its issuer). */
  op: string;
  /** The reference Trust Anchor's entity id. */
  ta: string;
  /** The reference Relying Party's entity id (its client_id). */
  rp: string;
  /** The trust mark the TA issues to the RP. */
  trustMarkId: string;
  registryToken: string;
  /** The RP's openid_relying_party metadata, as its entity configuration carries it. */
  rpMetadata: Record<string, unknown> & { client_id: string; redirect_uris: string[]; jwks: { keys: Record<string, unknown>[] } };
  /** The paths (query decoded) Django was asked for, in order, with their status. */
  djangoRequests(): Array<{ path: string; status: number }>;
  /** The tails of both servers' logs, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

export function startLab(options?: { pinnedKey?: 'anchor' | 'unrelated'; requiredTrustMarks?: (ta: string) => string[] }): Promise<Lab>;

/**
 * The click-day scale model (issue 15 §3): from the Durable Object calls one login of each kind
 * makes — measured, by the kind of object they reach (counting-env.ts `byObject`) — the request rate
 * on the busiest object of each kind at a given login rate. Pure: the measurement and the
 * assumptions come in, the table goes out.
 *
 * How calls land on objects:
 * - `FLOW`: every login has its own FlowSession, `CARD`: a holder logs in once at a time; so the
 *   busiest such object sees one login's calls spread over the time the login takes.
 * - `DIRECTORY:<kind>`: a key's shard is shardOf(key) (platform/directory.ts). Usernames, nonces and
 *   assertion ids are as many as the logins, so their reads spread evenly over the shards; a relying
 *   party's record is one key, so its shard takes its RP's share of all the logins. RPs' shares follow
 *   a Zipf law whose largest share is `largestShare`.
 * - Client records kept per isolate (platform/clients.ts) are read from the shard at most once per
 *   isolate per `clientMaxAgeMs`, so an RP's record costs min(its logins' uncached reads, isolates
 *   per max age) on its shard.
 * - `OUTBOX` is the development stand-in for the SMS provider: shown, never a limit.
 */
export interface ScaleAssumptions {
  loginsPerSecond: number;
  relyingParties: number;
  largestShare: number;
  cards: number;
  shards: number;
  /** How long one login's calls are spread over on its own flow and card (authorize to userinfo). */
  loginSeconds: number;
  /** Isolates that may each keep a copy of a busy RP's record. */
  isolates: number;
  clientMaxAgeMs: number;
  /** Requests per second one Durable Object is taken to serve. */
  limit: number;
}

export const CLICK_DAY: ScaleAssumptions = {
  loginsPerSecond: 1000,
  relyingParties: 11_000,
  largestShare: 1 / 3,
  cards: 50_000_000,
  shards: 16,
  loginSeconds: 20,
  isolates: 1000,
  clientMaxAgeMs: 5000,
  limit: 500,
};

/** One kind of login in the mix: its share of the logins and its calls by object kind. */
export interface LoginProfile {
  kind: string;
  share: number;
  /** Calls per login by object kind (`FLOW`, `CARD`, `DIRECTORY:client` …), client reads uncached. */
  calls: Record<string, number>;
}

export interface ScaleRow {
  object: string;
  /** How calls of this kind are spread, in words. */
  spread: string;
  callsPerLogin: number;
  /** Requests per second on the busiest object of this kind. */
  busiest: number;
  limited: boolean;
}

/** The Zipf exponent s for which the first of n shares (1/k^s, normalised) is `top`. */
export function zipfExponent(n: number, top: number): number {
  const firstShare = (s: number) => {
    let h = 0;
    for (let k = 1; k <= n; k++) h += k ** -s;
    return 1 / h;
  };
  let lo = 0;
  let hi = 16;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (firstShare(mid) < top) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function zipfShares(n: number, top: number): number[] {
  const s = zipfExponent(n, top);
  const weights = Array.from({ length: n }, (_, i) => (i + 1) ** -s);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** The mix's calls per login, by object kind. */
export function mixedCalls(profiles: readonly LoginProfile[]): Record<string, number> {
  const total = profiles.reduce((n, p) => n + p.share, 0);
  const out: Record<string, number> = {};
  for (const p of profiles) for (const [object, n] of Object.entries(p.calls)) out[object] = (out[object] ?? 0) + (n * p.share) / total;
  return out;
}

const OWN_OBJECTS: Record<string, string> = { FLOW: "the login's own flow", CARD: "the holder's own card" };
const DEVELOPMENT_ONLY = new Set(['OUTBOX']);

/**
 * The table: one row per object kind, and one for the busiest directory shard (what every kind of
 * key on it adds up to). `shardOfClient(i)` is the shard of the i-th largest RP's record.
 */
export function projectScale(profiles: readonly LoginProfile[], a: ScaleAssumptions, shardOfClient: (rank: number) => number): ScaleRow[] {
  const calls = mixedCalls(profiles);
  const rows: ScaleRow[] = [];
  const shardLoad = new Array<number>(a.shards).fill(0);
  const perIsolateCap = (a.isolates * 1000) / a.clientMaxAgeMs;
  const shares = zipfShares(a.relyingParties, a.largestShare);

  for (const [object, perLogin] of Object.entries(calls).sort(([x], [y]) => x.localeCompare(y))) {
    if (object in OWN_OBJECTS) {
      const worst = Math.max(...profiles.map((p) => p.calls[object] ?? 0));
      rows.push({ object, spread: OWN_OBJECTS[object]!, callsPerLogin: perLogin, busiest: worst / a.loginSeconds, limited: true });
    } else if (DEVELOPMENT_ONLY.has(object)) {
      rows.push({ object, spread: 'development stand-in (an HTTP call in production)', callsPerLogin: perLogin, busiest: 0, limited: false });
    } else if (object === 'DIRECTORY:client') {
      const onShard = new Array<number>(a.shards).fill(0);
      shares.forEach((share, rank) => {
        onShard[shardOfClient(rank)]! += Math.min(share * a.loginsPerSecond * perLogin, perIsolateCap);
      });
      onShard.forEach((load, shard) => {
        shardLoad[shard]! += load;
      });
      rows.push({
        object,
        spread:
          a.clientMaxAgeMs > 0
            ? `one shard per RP, kept ${a.clientMaxAgeMs / 1000} s per isolate (≤ ${perIsolateCap} reads/s per RP)`
            : 'one shard per RP, read on every request',
        callsPerLogin: perLogin,
        busiest: Math.max(...onShard),
        limited: true,
      });
    } else {
      const even = (a.loginsPerSecond * perLogin) / a.shards;
      for (let s = 0; s < a.shards; s++) shardLoad[s]! += even;
      rows.push({ object, spread: `one key per login, even over ${a.shards} shards`, callsPerLogin: perLogin, busiest: even, limited: true });
    }
  }
  if (Object.keys(calls).some((o) => o.startsWith('DIRECTORY:'))) {
    rows.push({
      object: 'DIRECTORY shard',
      spread: 'every kind of key above, on the busiest shard',
      callsPerLogin: 0,
      busiest: Math.max(...shardLoad),
      limited: true,
    });
  }
  return rows;
}

export function overLimit(rows: readonly ScaleRow[], a: ScaleAssumptions): ScaleRow[] {
  return rows.filter((r) => r.limited && r.busiest > a.limit);
}

export function scaleTable(rows: readonly ScaleRow[], a: ScaleAssumptions): string {
  const head = `scale model at ${a.loginsPerSecond} logins/s (${a.relyingParties} RPs, the largest ${Math.round(a.largestShare * 100)} %; ${a.cards.toLocaleString('en')} cards; ${a.shards} directory shards; limit ${a.limit} req/s per object)`;
  const lines = rows.map(
    (r) =>
      `  ${r.object.padEnd(22)} ${r.callsPerLogin ? r.callsPerLogin.toFixed(2).padStart(6) : '      '} calls/login  ${r.busiest.toFixed(1).padStart(8)} req/s busiest  ${r.limited && r.busiest > a.limit ? 'OVER' : '    '}  ${r.spread}`,
  );
  return [head, ...lines].join('\n');
}

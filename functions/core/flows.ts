/**
 * Every multi-step procedure — activation, login, device certification, the mode switch, and those to
 * come — is a flow: data with a type, a step and an idle lifetime, kept by one FlowSession object.
 * A flow kind is a table (this shape): which steps exist, where each may go, what a move out of each
 * may write. Handlers never write a step themselves; they ask the one advancer (platform/flows.ts),
 * which refuses any move the table does not list, so a table is the whole truth about a flow.
 */
export interface FlowKind<Step extends string, Data extends object> {
  /** The `type` column of the flow: a flow read as another kind is a gone flow. */
  readonly type: string;
  /** What the citizen is told (410 flow_gone) when the flow has expired, ended or never existed. */
  readonly goneMessage: string;
  /** Idle lifetime: the FlowSession's alarm deletes a flow left alone this long. */
  readonly idleMs: number;
  /** Steps a flow of this kind may be created at. */
  readonly starts: readonly Step[];
  /** For every step, the steps a move out of it may reach (itself, when a step repeats). */
  readonly moves: { readonly [S in Step]: readonly Step[] };
  /** For every step, the data a move out of it may write; nothing else of the data changes. */
  readonly writes: { readonly [S in Step]: readonly (keyof Data & string)[] };
  /** Steps at which the flow may end in a grant to a relying party (FlowSession.openGrant). */
  readonly grantsFrom?: readonly Step[];
}

/** A move as the FlowSession performs it: only from the step the caller saw (see FlowSession.advance). */
export interface FlowMove {
  from: string;
  to: string;
  patch: Record<string, unknown>;
}

/** A move the kind's table does not allow: a defect in our code, never a citizen's doing. */
export class FlowTableError extends Error {
  override readonly name = 'FlowTableError';
}

export function defineFlow<Step extends string, Data extends object>(kind: FlowKind<Step, Data>): FlowKind<Step, Data> {
  for (const [from, targets] of Object.entries(kind.moves) as [string, readonly string[]][]) {
    for (const to of targets) if (!Object.hasOwn(kind.moves, to)) throw new FlowTableError(`${kind.type}: ${from} → ${to}: no such step`);
  }
  for (const start of kind.starts) if (!Object.hasOwn(kind.moves, start)) throw new FlowTableError(`${kind.type}: starts at unknown ${start}`);
  return kind;
}

export function isStepOf<Step extends string>(kind: Pick<FlowKind<Step, never>, 'moves'>, step: unknown): step is Step {
  return typeof step === 'string' && Object.hasOwn(kind.moves, step);
}

/** The move from `from` to `to` writing `patch`, checked against the table (FlowTableError otherwise). */
export function checkedMove<Step extends string, Data extends object>(kind: FlowKind<Step, Data>, from: Step, to: Step, patch: Partial<Data> = {}): FlowMove {
  if (!kind.moves[from]?.includes(to)) throw new FlowTableError(`${kind.type}: no move ${from} → ${to}`);
  const allowed = kind.writes[from] as readonly string[];
  const extra = Object.keys(patch).filter((key) => !allowed.includes(key));
  if (extra.length) throw new FlowTableError(`${kind.type}: a move out of ${from} may not write ${extra.join(', ')}`);
  return { from, to, patch: patch as Record<string, unknown> };
}

/** The steps from which a move to `to` is allowed (what the FlowSession is told for its own moves). */
export function stepsMovingTo<Step extends string>(kind: Pick<FlowKind<Step, never>, 'moves'>, to: Step): Step[] {
  return (Object.entries(kind.moves) as [Step, readonly Step[]][]).filter(([, targets]) => targets.includes(to)).map(([from]) => from);
}

import type { Env } from '../env';
import { HttpError } from '../core/errors';
import { FLOW_ID_SHAPE } from '../core/flow-id';
import { type FlowKind, type FlowMove, FlowTableError, checkedMove, isStepOf } from '../core/flows';
import { newCsrfToken } from './csrf';
import { randomId } from './crypto';
import { type FlowStub, flowObject } from './objects';

/**
 * The one reader and advancer of flows (core/flows.ts): every handler starts, reads and moves its flow
 * here, typed by its kind, and never casts what the FlowSession stores. A flow read as the wrong
 * kind, at a step its kind does not have, or under an id of the wrong shape is simply not there.
 */
export interface StoredFlow<Step extends string, Data extends object> {
  kind: FlowKind<Step, Data>;
  stub: FlowStub;
  step: Step;
  data: Data;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** A flow reached by its id (the name in a cookie or a URL), which its codes' hashes are bound to. */
export interface Flow<Step extends string, Data extends object> extends StoredFlow<Step, Data> {
  id: string;
}

/** What FlowSession.read() returns; RPC typing turns its `data: Record<string, unknown>` into never. */
interface FlowRow {
  type: string;
  step: string;
  data: Record<string, unknown>;
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

/** The flow's object, or null for an id of another shape (no object is touched for it). */
export function flowStubOf(env: Env, flowId: string): FlowStub | null {
  return FLOW_ID_SHAPE.test(flowId) ? flowObject(env, flowId) : null;
}

/** Creates a flow of `kind` at `step` under a new random id; null in the (astronomically unlikely) event the id is taken. */
export async function startFlow<Step extends string, Data extends object>(
  env: Env,
  kind: FlowKind<Step, Data>,
  step: Step,
  data: Data,
  now = Date.now(),
): Promise<Flow<Step, Data> | null> {
  if (!kind.starts.includes(step)) throw new FlowTableError(`${kind.type}: cannot start at ${step}`);
  const id = randomId();
  const csrf = newCsrfToken();
  const stub = flowObject(env, id);
  if (!(await stub.start(kind.type, step, data as Record<string, unknown>, csrf, kind.idleMs, now))) return null;
  return { kind, id, stub, step, data, csrf, createdAt: now, expiresAt: now + kind.idleMs };
}

/** The flow in `stub` as `kind`, or null when it is gone, of another kind, or at a step the kind does not list. */
export async function readFlowAt<Step extends string, Data extends object>(kind: FlowKind<Step, Data>, stub: FlowStub): Promise<StoredFlow<Step, Data> | null> {
  const row = (await stub.read()) as unknown as FlowRow | null;
  if (!row || row.type !== kind.type || !isStepOf(kind, row.step)) return null;
  return { kind, stub, step: row.step, data: row.data as unknown as Data, csrf: row.csrf, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

/** The flow named `flowId`, as readFlowAt. */
export async function readFlow<Step extends string, Data extends object>(
  env: Env,
  kind: FlowKind<Step, Data>,
  flowId: string,
): Promise<Flow<Step, Data> | null> {
  const stub = flowStubOf(env, flowId);
  const flow = stub ? await readFlowAt(kind, stub) : null;
  return flow ? { ...flow, id: flowId } : null;
}

/** 410 flow_gone in the kind's words: the one answer for a flow that is not there. */
export const flowGone = (kind: Pick<FlowKind<string, never>, 'goneMessage'>): HttpError => new HttpError(410, 'flow_gone', kind.goneMessage);

/** readFlow, or the kind's 410 when the flow is not there. */
export async function requireFlow<Step extends string, Data extends object>(env: Env, kind: FlowKind<Step, Data>, flowId: string): Promise<Flow<Step, Data>> {
  const flow = await readFlow(env, kind, flowId);
  if (!flow) throw flowGone(kind);
  return flow;
}

/** The move from the flow's current step, checked against its kind's table (for calls that move as a side effect). */
export function moveOf<Step extends string, Data extends object>(flow: StoredFlow<Step, Data>, to: Step, patch: Partial<Data> = {}): FlowMove {
  return checkedMove(flow.kind, flow.step, to, patch);
}

/**
 * Moves the flow on from the step this request read it at, only if it is still there: of two
 * concurrent requests one moves it and the other gets null (and shows whatever page the flow is at).
 */
export async function moveFlow<Step extends string, Data extends object, F extends StoredFlow<Step, Data>>(
  flow: F & StoredFlow<Step, Data>,
  to: Step,
  patch: Partial<Data> = {},
): Promise<F | null> {
  const move = moveOf(flow, to, patch);
  const next = (await flow.stub.advance(move.from, move.to, move.patch)) as unknown as FlowRow | null;
  if (!next) return null;
  return { ...flow, step: to, data: { ...flow.data, ...patch }, expiresAt: next.expiresAt };
}

/** Ends the flow now, keeping nothing (R-ACT-8): the way every kind leaves, done or abandoned. */
export async function endFlow(flow: Pick<StoredFlow<string, object>, 'stub'>): Promise<void> {
  await flow.stub.destroy();
}

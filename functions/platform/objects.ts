import type { Env } from '../env';

/** Stubs of the Durable Objects, by their natural keys; handlers never build ids themselves. */
export const cardObject = (env: Env, serial: string) => env.CARD.get(env.CARD.idFromName(serial));
export const flowObject = (env: Env, flowId: string) => env.FLOW.get(env.FLOW.idFromName(flowId));

/**
 * A login's FlowSession by its object id (64 hex), which is what tokens carry: it finds the grant
 * without revealing the flow id, the name the login pages use in their URLs. Null for anything
 * that is not an id of this namespace.
 */
export function grantObject(env: Env, grantId: string) {
  if (!/^[0-9a-f]{64}$/.test(grantId)) return null;
  try {
    return env.FLOW.get(env.FLOW.idFromString(grantId));
  } catch {
    return null;
  }
}

export const grantIdOf = (env: Env, flowId: string): string => env.FLOW.idFromName(flowId).toString();

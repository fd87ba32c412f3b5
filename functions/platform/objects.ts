import type { Env } from '../env';

/** Stubs of the Durable Objects, by their natural keys; handlers never build ids themselves. */
export const cardObject = (env: Env, serial: string) => env.CARD.get(env.CARD.idFromName(serial));
export const flowObject = (env: Env, flowId: string) => env.FLOW.get(env.FLOW.idFromName(flowId));

export type CardStub = ReturnType<typeof cardObject>;
export type FlowStub = ReturnType<typeof flowObject>;

/**
 * A card's object id (64 hex), which the App's device session carries instead of the serial: the
 * token names the card without saying which card it is.
 */
export const cardObjectId = (env: Env, serial: string): string => env.CARD.idFromName(serial).toString();

/** The card behind an object id from cardObjectId; null for anything that is not an id of this namespace. */
export function cardByObjectId(env: Env, cardId: string): CardStub | null {
  return objectById(env.CARD, cardId);
}

function objectById<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, hex: string): DurableObjectStub<T> | null {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  try {
    return ns.get(ns.idFromString(hex));
  } catch {
    return null;
  }
}

/**
 * A login's FlowSession by its object id (64 hex), which is what tokens carry: it finds the grant
 * without revealing the flow id, the name the login pages use in their URLs. Null for anything
 * that is not an id of this namespace.
 */
export function grantObject(env: Env, grantId: string) {
  return objectById(env.FLOW, grantId);
}

export const grantIdOf = (env: Env, flowId: string): string => env.FLOW.idFromName(flowId).toString();

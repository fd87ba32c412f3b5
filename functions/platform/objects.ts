import type { Env } from '../env';

/** Stubs of the Durable Objects, by their natural keys; handlers never build ids themselves. */
export const cardObject = (env: Env, serial: string) => env.CARD.get(env.CARD.idFromName(serial));
export const flowObject = (env: Env, flowId: string) => env.FLOW.get(env.FLOW.idFromName(flowId));

import type { Env } from '../env';
import { conflict } from '../core/errors';
import { CERTIFICATION_FLOW, type CertificationData, type CertificationStep } from '../core/citizen-flows';
import { type Flow, moveFlow, requireFlow } from '../platform/flows';

/** A device certification (R-APP-1, R-APP-2, R-APP-3) as its handlers hold it: core/citizen-flows.ts has its table. */
export type CertificationFlow = Flow<CertificationStep, CertificationData>;

/**
 * The certification named in the path, at one of the steps the caller can act on. A certification
 * at another of its steps is there, so the App is told where it stands (409) rather than that it is gone.
 */
export async function loadCertification(env: Env, flowId: string, steps: readonly CertificationStep[]): Promise<CertificationFlow> {
  const flow = await requireFlow(env, CERTIFICATION_FLOW, flowId);
  if (!steps.includes(flow.step)) throw conflict(`Passaggio non previsto ora: la certificazione è al passaggio «${flow.step}».`);
  return flow;
}

/** Moves on only from the step the caller saw: of two concurrent requests, one wins; the other is told to repeat. */
export async function advanceCertification(flow: CertificationFlow, to: CertificationStep, patch: Partial<CertificationData> = {}): Promise<CertificationFlow> {
  const next = await moveFlow(flow, to, patch);
  if (!next) throw conflict('La certificazione è già andata avanti: ripeti il passaggio corrente.');
  return next;
}

import type { Env } from '../env';
import { HttpError, conflict } from '../core/errors';
import { flowObject } from '../platform/objects';
import type { FlowState } from '../../durable-objects/flow-session';

/**
 * A device certification (R-APP-1, R-APP-2, R-APP-3) is a FlowSession of its own type, named by a random id the App
 * keeps for the few minutes it takes. Steps: otp → codice → registrazione (→ verifica while one
 * registration is being checked) → dispositivo → gone.
 */
export const CERTIFICATION_FLOW_TYPE = 'app-certification';
export const CERTIFICATION_IDLE_MS = 10 * 60_000;

export type CertificationStep = 'otp' | 'codice' | 'registrazione' | 'verifica' | 'dispositivo' | 'certificato';

export interface CertificationData {
  serial: string;
  fiscalCode: string;
  maskedPhone: string;
  /** The registration challenge last handed out; single use. */
  challenge?: string | null;
  credential?: { id: string; publicKey: string; counter: number };
}

export interface CertificationFlow {
  id: string;
  step: CertificationStep;
  data: CertificationData;
  stub: ReturnType<typeof flowObject>;
}

const FLOW_ID = /^[A-Za-z0-9_-]{43}$/;

export const certificationGone = () => new HttpError(410, 'flow_gone', "La certificazione del dispositivo è scaduta o è già conclusa: ricomincia dall'inizio.");

/** The certification named in the path, at one of the steps the caller can act on (409 otherwise). */
export async function loadCertification(env: Env, flowId: string, steps: readonly CertificationStep[]): Promise<CertificationFlow> {
  if (!FLOW_ID.test(flowId)) throw certificationGone();
  const stub = flowObject(env, flowId);
  const state = (await stub.read()) as unknown as FlowState | null;
  if (!state || state.type !== CERTIFICATION_FLOW_TYPE) throw certificationGone();
  const step = state.step as CertificationStep;
  if (!steps.includes(step)) throw conflict(`Passaggio non previsto ora: la certificazione è al passaggio «${step}».`);
  return { id: flowId, step, data: state.data as unknown as CertificationData, stub };
}

/** Moves on only from the step the caller saw: of two concurrent requests, one wins. */
export async function advanceCertification(
  flow: CertificationFlow,
  from: CertificationStep,
  to: CertificationStep,
  patch: Partial<CertificationData> = {},
): Promise<void> {
  if (!(await flow.stub.advance(from, to, patch as Record<string, unknown>))) {
    throw conflict('La certificazione è già andata avanti: ripeti il passaggio corrente.');
  }
}

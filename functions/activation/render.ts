import type { LoadedFlow } from './flow';
import { clearFlowCookie, withCookies } from './flow';
import { pukPage } from './views/puk';
import { cellularePage, smsOtpPage } from './views/cellulare';
import { emailOtpPage, emailPage } from './views/email';
import { passwordPage } from './views/password';
import { configuraPage } from './views/configura';
import { gonePage, refusalPage } from './views/pages';
import type { ActivationRefusal } from '../core/activation-eligibility';
import { endFlow } from '../platform/flows';

/**
 * The page of a flow's current step with nothing typed yet — what GET shows, and what a handler
 * shows when it only adds a message. Step 1.1 and the summary are drawn by their own handlers.
 */
export function currentStepPage(
  flow: LoadedFlow,
  extra: { errors?: string[]; info?: string; status?: number; headers?: Record<string, string> } = {},
): Response | null {
  const { csrf, data } = flow;
  const errors = extra.errors ?? [];
  const common = { csrf, errors, info: extra.info ?? null, status: extra.status, headers: extra.headers };
  switch (flow.step) {
    case 'puk':
      return data.pukPositions ? pukPage({ csrf, errors, positions: data.pukPositions }, extra.status) : null;
    case 'cellulare':
      return cellularePage({ ...common, phone: data.phone });
    case 'otp-sms':
      return smsOtpPage({ ...common, phone: data.phone });
    case 'email':
      return emailPage({ ...common, email: data.email ?? data.cardEmail ?? '' });
    case 'otp-email':
      return emailOtpPage({ ...common, email: data.email ?? '' });
    case 'password':
      return passwordPage({ csrf, errors, gdpr: false, fiscalCode: data.fiscalCode, serial: data.serial, verifiedEmail: data.verifiedEmail }, extra.status);
    case 'configura':
      return configuraPage({ csrf, errors }, extra.status);
    default:
      return null;
  }
}

/** Ends the flow for good (R-ACT-8: nothing of it survives) and forgets its cookie. */
export async function closeFlow(request: Request, flow: LoadedFlow, response: Response): Promise<Response> {
  await endFlow(flow);
  return withCookies(response, clearFlowCookie(request));
}

export function closeWithRefusal(request: Request, flow: LoadedFlow, reason: ActivationRefusal): Promise<Response> {
  return closeFlow(request, flow, refusalPage(reason));
}

export function closeAsGone(request: Request, flow: LoadedFlow, message: string): Promise<Response> {
  return closeFlow(request, flow, gonePage(message));
}

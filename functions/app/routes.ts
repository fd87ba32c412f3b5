import type { RouterType, IRequest } from 'itty-router';
import type { Env } from '../env';
import { postAppCode, postCertificationOtp, startCertification } from './certification';
import { postDevice, postRegistration, registrationOptions } from './registration';
import { listDevices, revokeDevice } from './devices';
import { decideApproval, listApprovals } from './approvals';
import { scanQr } from './qr';

/** The API the App CieID calls (JSON in and out; errors as JSON from the Worker's edge). */
export function appRoutes(router: RouterType<IRequest, [Env, ExecutionContext]>): void {
  router
    .post('/app/certificazione', startCertification)
    .post('/app/certificazione/:flowId/otp', postCertificationOtp)
    .post('/app/certificazione/:flowId/codice', postAppCode)
    .get('/app/certificazione/:flowId/registrazione/opzioni', registrationOptions)
    .post('/app/certificazione/:flowId/registrazione/opzioni', registrationOptions)
    .post('/app/certificazione/:flowId/registrazione', postRegistration)
    .post('/app/certificazione/:flowId/dispositivo', postDevice)
    .get('/app/dispositivi', listDevices)
    .delete('/app/dispositivi/:deviceId', revokeDevice)
    .get('/app/approvals', listApprovals)
    .post('/app/approvals/:approvalId', decideApproval)
    .post('/app/qr', scanQr);
}

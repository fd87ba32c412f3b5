import type { JsonSurface } from '../platform/surface';
import { postAppCode, postCertificationOtp, startCertification } from './certification';
import { postDevice, postRegistration, registrationOptions } from './registration';
import { listDevices, revokeDevice } from './devices';
import { decideApproval, listApprovals } from './approvals';
import { scanQr } from './qr';

/** The API the App CieID calls: JSON in and out, its refusals rendered as JSON by the Worker's edge. */
export const appSurface: JsonSurface = {
  name: 'app',
  basePaths: ['/app'],
  answers: 'json',
  mount: (router) => {
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
  },
};

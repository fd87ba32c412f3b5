import type { JsonSurface } from '../platform/surface';
import { postAppCode, postCertificationOtp, startCertification } from './steps/certification';
import { postDevice, postRegistration, registrationOptions } from './steps/registration';
import { listDevices, revokeDevice } from './steps/devices';
import { decideApproval, listApprovals } from './steps/approvals';
import { scanQr } from './steps/qr';
import { finishCardLogin, startCardLogin } from './steps/card-login';
import { finishCardRegistration, startCardRegistration } from './steps/card-registration';
import { activateByCard, cardActivationChallenge } from './steps/card-activation';
import { confirmAppPukRecovery, startAppPukRecovery } from './steps/puk-recovery';

// No views/: the App reads JSON only, so this capability has flow.ts and steps/ but no pages.
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
      .post('/app/qr', scanQr)
      .post('/app/l3', startCardLogin)
      .post('/app/l3/:approvalId', finishCardLogin)
      .post('/app/carta', startCardRegistration)
      .post('/app/carta/:flowId', finishCardRegistration)
      .get('/app/attivazione/sfida', cardActivationChallenge)
      .post('/app/attivazione/sfida', cardActivationChallenge)
      .post('/app/attivazione', activateByCard)
      .post('/app/puk', startAppPukRecovery)
      .post('/app/puk/:flowId', confirmAppPukRecovery);
  },
};

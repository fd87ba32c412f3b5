import type { WorkerRouter } from '../../platform/surface';
import { downloadAccessLog, showAccessLog } from './access-log';
import { confirmDeviceRevocation, revokeDevice, showDevices } from './devices';
import { AREA_PATHS } from './layout';

/** "Dispositivi" and "Elenco accessi" (R-ACC-5, R-APP-4, R-LOG-9): every route needs the area session. */
export function mountActivity(router: WorkerRouter): void {
  router
    .get(AREA_PATHS.devices, showDevices)
    .get(`${AREA_PATHS.devices}/:deviceId/revoca`, confirmDeviceRevocation)
    .post(`${AREA_PATHS.devices}/:deviceId/revoca`, revokeDevice)
    .get(AREA_PATHS.accessLog, showAccessLog)
    .get(`${AREA_PATHS.accessLog}/csv`, downloadAccessLog);
}

import type { JsonSurface, PagesSurface } from '../platform/surface';
import { confirmModeChange, startModeChange } from './steps/mode';
import { mountProfile } from './area/profile-routes';
import { mountActivity } from './area/activity-routes';
import { mountRevocation } from './area/revocation-routes';

// No views/ (JSON only) and no flow.ts: the mode change loads its flow with platform/flows' requireFlow alone.
/** The level 2 mode switch as JSON (R-ACC-3), for clients that are not the personal area's pages. */
export const accountSurface: JsonSurface = {
  name: 'account',
  basePaths: ['/account'],
  answers: 'json',
  mount: (router) => {
    router.post('/account/modalita', startModeChange).post('/account/modalita/:flowId', confirmModeChange);
  },
};

/**
 * "Area personale" (issue 13): the citizen's own pages, entered with CieID itself. Each part mounts
 * its own routes: the session, Gestione CieID and contacts (profile), devices and the access log
 * (activity), revocation and level 3 suspension (revocation).
 */
export const areaSurface: PagesSurface = {
  name: 'area',
  basePaths: ['/area-personale'],
  answers: 'pages',
  mount: (router) => {
    mountProfile(router);
    mountActivity(router);
    mountRevocation(router);
  },
};

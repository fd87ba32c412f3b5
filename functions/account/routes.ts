import type { JsonSurface } from '../platform/surface';
import { confirmModeChange, startModeChange } from './steps/mode';

// No views/ (JSON only) and no flow.ts: the mode change loads its flow with platform/flows' requireFlow alone.
/** "Gestione CieID": for now only the level 2 mode switch (R-ACC-3), as JSON. */
export const accountSurface: JsonSurface = {
  name: 'account',
  basePaths: ['/account'],
  answers: 'json',
  mount: (router) => {
    router.post('/account/modalita', startModeChange).post('/account/modalita/:flowId', confirmModeChange);
  },
};

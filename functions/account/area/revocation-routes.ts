import type { WorkerRouter } from '../../platform/surface';
import { AREA_PATHS } from './layout';
import { postLevel3, showLevel3 } from './level3';
import { postRevoke, showRevoke } from './revoke';

/** R-ACC-4 in the personal area: "Revoca livello 1 e livello 2", "Sospendi livello 3" / "Riattiva livello 3" (docs/revocation.md). */
export function mountRevocation(router: WorkerRouter): void {
  router.get(AREA_PATHS.revocation, showRevoke).post(AREA_PATHS.revocation, postRevoke).get(AREA_PATHS.level3, showLevel3).post(AREA_PATHS.level3, postLevel3);
}

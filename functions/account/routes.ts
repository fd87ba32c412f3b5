import type { RouterType, IRequest } from 'itty-router';
import type { Env } from '../env';
import { confirmModeChange, startModeChange } from './mode';

/** "Gestione CieID" (R-ACC-*): for now only the level 2 mode switch, as JSON. */
export function accountRoutes(router: RouterType<IRequest, [Env, ExecutionContext]>): void {
  router.post('/account/modalita', startModeChange).post('/account/modalita/:flowId', confirmModeChange);
}

import type { RouterType, IRequest } from 'itty-router';
import type { Env } from '../env';

export function activationRoutes(router: RouterType<IRequest, [Env, ExecutionContext]>): void {
  void router;
}

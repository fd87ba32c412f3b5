import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { HttpError } from '../core/errors';
import { unavailableFrom } from './overload';

export type PageHandler = (request: IRequest, env: Env) => Promise<Response>;

/**
 * Citizen-facing capabilities turn refusals (HttpError) into their own pages in one place, and so a
 * Durable Object overloaded or reset (a 503 to retry, platform/overload); anything else is left to
 * the Worker's error rendering (a 500 that reveals nothing).
 */
export function pageGuard(render: (err: HttpError, request: IRequest) => Response | Promise<Response>) {
  return (handler: PageHandler): PageHandler =>
    async (request, env) => {
      try {
        return await handler(request, env);
      } catch (err) {
        const refusal = err instanceof HttpError ? err : unavailableFrom(err);
        if (!refusal) throw err;
        return render(refusal, request);
      }
    };
}

import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { testHooksEnabled } from '../env';
import { HttpError } from '../core/errors';
import type { JsonSurface } from '../platform/surface';
import { readOutbox } from './outbox';

type Handler = (request: IRequest, env: Env) => Promise<Response>;

/** Unless TEST_HOOKS is set outside production, the hooks are not there at all: a 404, not a 403. */
const testHook =
  (handler: Handler): Handler =>
  (request, env) => {
    if (!testHooksEnabled(env)) throw new HttpError(404, 'not_found', 'Risorsa non trovata');
    return handler(request, env);
  };

/** What the harness reads in development and tests (the SMS and email outbox), as JSON. */
export const testHooksSurface: JsonSurface = {
  name: 'test-hooks',
  basePaths: ['/__test'],
  answers: 'json',
  mount: (router) => {
    router.get('/__test/outbox', testHook(readOutbox));
  },
};

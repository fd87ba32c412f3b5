import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import type { JsonSurface } from '../platform/surface';
import { requireRegistryToken } from './auth';
import { blockCard, getCard, issueCard, reprintCodes } from './cards';
import { CLIENTS_PATH, deleteClient, getClient, registerClient } from './clients';
import { getCrl } from './crl';

type Handler = (request: IRequest, env: Env) => Promise<Response>;

/** Every registry route is the issuer's back office: none answers before the token is checked. */
const withRegistryToken =
  (handler: Handler): Handler =>
  async (request, env) => {
    await requireRegistryToken(request, env);
    return handler(request, env);
  };

/**
 * The issuer's API (cards, relying parties): JSON in and out, refusals included. One route is
 * public: the card CA's CRL (DER), which anyone checking a card certificate may fetch.
 */
export const registrySurface: JsonSurface = {
  name: 'registry',
  basePaths: ['/registry'],
  answers: 'json',
  mount: (router) => {
    router
      .post('/registry/cards', withRegistryToken(issueCard))
      .get('/registry/cards/:serial', withRegistryToken(getCard))
      .post('/registry/cards/:serial/block', withRegistryToken(blockCard))
      .post('/registry/cards/:serial/codes', withRegistryToken(reprintCodes))
      .get('/registry/crl', getCrl)
      .post(CLIENTS_PATH, withRegistryToken(registerClient))
      .get(`${CLIENTS_PATH}/:clientId`, withRegistryToken(getClient))
      .delete(`${CLIENTS_PATH}/:clientId`, withRegistryToken(deleteClient));
  },
};

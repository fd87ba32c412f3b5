import type { IncomingMessage, ServerResponse } from 'node:http';
import { CheckFailure, type CheckContext } from '../core/check.ts';
import { createHttpClient } from '../core/http-client.ts';
import type { Http } from '../core/http.ts';
import { FISCAL_NUMBER, RelyingParty } from '../actors/relying-party.ts';
import { escapeHtml } from '../report/escape.ts';
import { entityConfiguration, federationKey, jwksOf, nowSeconds, relyingPartyMetadata, type FederationKey } from './statements.ts';
import { ENTITY_STATEMENT_TYPE, type TrustAnchor } from './trust-anchor.ts';

/**
 * The demo relying party of the development federation: "Servizio federato di prova", hosted by the
 * Trust Anchor's server at `/e/demo`, known to the OP by its trust chain alone. A person opens its
 * page, presses "Entra con CIE" and comes back logged in, its claims shown — the same protocol code
 * the harness's checks use (actors/relying-party.ts), here driven by a real browser.
 *
 * Its keys are drawn when the first page is asked for (the OP may start after the TA) and live as
 * long as the process: its entity configuration expires in 10 minutes, so an OP that cached it
 * forgets the keys of a TA started before soon enough.
 */
const NAME = 'demo';
const CONFIGURATION_TTL_SECONDS = 600;
const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;
const HOME = `/e/${NAME}/`;
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#17324d}' +
  'a.btn{display:inline-block;background:#06c;color:#fff;padding:.75rem 1.5rem;border-radius:4px;text-decoration:none;font-weight:600}' +
  'dt{font-weight:600}dd{margin:0 0 .75rem}';

interface Demo {
  rp: RelyingParty;
  key: FederationKey;
}

/** An Http that records nothing: the demo serves people, not reports. */
function forgetfulHttp(): Http {
  return { request: (method, url, options) => createHttpClient().request(method, url, options), exchanges: [] };
}

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${HOME}style.css"></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'self'",
  });
  res.end(html);
}

/** Mounts the demo relying party on `ta`'s server, as an RP of the OP at `opBaseUrl`. */
export function mountDemoRelyingParty(ta: TrustAnchor, opBaseUrl: URL): string {
  const entityId = ta.hostedId(NAME);
  const pending = new Map<string, { verifier: string; nonce: string; at: number }>();
  let demo: Promise<Demo> | null = null;

  const ctx: CheckContext = { baseUrl: new URL(opBaseUrl.origin), registryToken: '', http: forgetfulHttp(), log: () => {} };
  const ensure = (): Promise<Demo> => {
    demo ??= (async () => {
      const [rp, key] = await Promise.all([
        RelyingParty.create(ctx, {
          register: false,
          clientId: entityId,
          redirectUri: `${entityId}/callback`,
          clientName: 'Servizio federato di prova',
        }),
        federationKey(),
      ]);
      ta.addSubordinate({ sub: entityId, jwks: jwksOf(key) });
      return { rp, key };
    })();
    // The OP may not answer yet: the next request tries again.
    demo.catch(() => {
      demo = null;
    });
    return demo;
  };

  const configuration = async ({ rp, key }: Demo): Promise<string> => {
    const marks = await ta.issueTrustMark(entityId, 'valid');
    const registration = rp.registration();
    return entityConfiguration({
      entityId,
      key,
      exp: nowSeconds() + CONFIGURATION_TTL_SECONDS,
      authorityHints: [ta.entityId],
      metadata: {
        federation_entity: { organization_name: 'Servizio federato di prova', contacts: ['demo@example.invalid'] },
        openid_relying_party: relyingPartyMetadata({
          entityId,
          redirectUris: [rp.redirectUri],
          jwks: rp.publicJwks,
          clientName: 'Servizio federato di prova',
          extra: registration,
        }),
      },
      ...(marks ? { trustMarks: [marks] } : {}),
    });
  };

  const callback = async (res: ServerResponse, params: URLSearchParams): Promise<void> => {
    const { rp } = await ensure();
    const state = params.get('state') ?? '';
    const started = pending.get(state);
    pending.delete(state);
    if (!started || Date.now() - started.at > PENDING_TTL_MS) {
      return page(
        res,
        400,
        'Accesso non riuscito',
        `<p>La richiesta di accesso è scaduta o non è stata avviata da qui.</p><p><a href="${HOME}">Riprova</a></p>`,
      );
    }
    const error = params.get('error');
    if (error) {
      return page(
        res,
        400,
        'Accesso non riuscito',
        `<p>${escapeHtml(error)}: ${escapeHtml(params.get('error_description') ?? '')}</p><p><a href="${HOME}">Riprova</a></p>`,
      );
    }
    try {
      const tokens = await rp.tokens(params.get('code') ?? '', started.verifier);
      const claims = await rp.idTokenClaims(tokens.id_token ?? '');
      if (claims.nonce !== started.nonce) throw new CheckFailure('the ID token is for another request (nonce)');
      const { payload } = await rp.openUserinfo(await rp.userinfo(tokens.access_token));
      const rows = [
        ['Nome', payload.given_name],
        ['Cognome', payload.family_name],
        ['Data di nascita', payload.birthdate],
        ['Codice fiscale', payload[FISCAL_NUMBER]],
        ['Livello', claims.acr],
      ]
        .map(([label, value]) => `<dt>${escapeHtml(String(label))}</dt><dd>${escapeHtml(String(value ?? '—'))}</dd>`)
        .join('');
      page(
        res,
        200,
        'Accesso effettuato',
        `<p>Il servizio ha ricevuto questi dati tramite la federazione:</p><dl>${rows}</dl><p><a href="${HOME}">Torna all'inizio</a></p>`,
      );
    } catch (err) {
      page(res, 502, 'Accesso non riuscito', `<p>${escapeHtml(err instanceof Error ? err.message : String(err))}</p><p><a href="${HOME}">Riprova</a></p>`);
    }
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> => {
    if (path === '/style.css') {
      res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'max-age=3600' });
      return void res.end(STYLE);
    }
    if (path === '/.well-known/openid-federation') {
      const body = await configuration(await ensure());
      res.writeHead(200, { 'Content-Type': ENTITY_STATEMENT_TYPE, 'Cache-Control': 'no-store' });
      return void res.end(body);
    }
    if (path === '/' || path === '') {
      return page(
        res,
        200,
        'Servizio federato di prova',
        `<p>Un servizio che il fornitore di identità conosce solo tramite la federazione (${escapeHtml(entityId)}).</p><p><a class="btn" href="${HOME}login">Entra con CIE</a></p>`,
      );
    }
    if (path === '/login') {
      const { rp } = await ensure();
      const now = Date.now();
      for (const [state, entry] of pending) if (now - entry.at > PENDING_TTL_MS || pending.size >= MAX_PENDING) pending.delete(state);
      const auth = await rp.authorizeRequest();
      pending.set(auth.state, { verifier: auth.verifier, nonce: auth.nonce, at: now });
      res.writeHead(302, { Location: rp.authorizeUrl(auth.params).href, 'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (path === '/callback' && req.method === 'GET') return callback(res, url.searchParams);
    if (path === '/callback' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 64 * 1024) return page(res, 413, 'Accesso non riuscito', '<p>Risposta troppo grande.</p>');
        chunks.push(chunk as Buffer);
      }
      return callback(res, new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    }
    page(res, 404, 'Pagina non trovata', `<p><a href="${HOME}">Servizio federato di prova</a></p>`);
  };

  ta.mount(NAME, async (req, res, path, url) => {
    try {
      await serve(req, res, path, url);
    } catch (err) {
      // Mostly the OP not answering its discovery yet: say so to the person, and try again next time.
      if (!res.headersSent)
        page(
          res,
          503,
          'Servizio non disponibile',
          `<p>Il fornitore di identità ${escapeHtml(opBaseUrl.origin)} non risponde: ${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`,
        );
    }
  });
  return entityId;
}

import { verifyPassword } from './node-password-hash.mjs';

/**
 * The one-step login of the oidc-provider that bench:compare measures us against: GET
 * /interaction/:uid is a small username + password form, POST /interaction/:uid/login checks the
 * password (the same peppered PBKDF2 as ours) and ends the interaction with login AND consent for
 * the scopes asked — our level 1 login plus our "Prosegui" in one post, the least work an equivalent
 * provider can do. oidc-provider binds the interaction to the browser by its own cookie.
 */
export const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/;
const MAX_BODY = 64 * 1024;

const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, uid, { username = '', error = '' } = {}) {
  const html = `<!doctype html><html lang="it"><head><meta charset="utf-8"><title>Accedi</title></head><body>
<h1>Accedi</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<input type="hidden" name="uid" value="${uid}">
<label for="username">Nome utente</label> <input id="username" name="username" value="${escapeHtml(username)}" required>
<label for="password">Password</label> <input id="password" name="password" type="password" required>
<button type="submit">Accedi</button>
</form></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
}

async function formBody(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The interaction routes. `accounts` maps a username to `{ accountId, stored }` (stored: the hash
 * node-password-hash made at startup); `acr` is what a password proves.
 */
export function interactionRoutes(provider, { accounts, pepper, acr }) {
  async function login(req, res, uid) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return page(res, 400, uid, { error: 'Sessione non valida.' });
    const form = await formBody(req);
    const username = form.get('username') ?? '';
    const account = accounts.get(username) ?? null;
    const right = await verifyPassword(pepper, form.get('password') ?? '', account?.stored ?? null);
    if (!right || !account) return page(res, 400, uid, { username, error: 'Credenziali non valide.' });

    const grant = new provider.Grant({ accountId: account.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const result = { login: { accountId: account.accountId, acr, amr: ['pwd'] }, consent: { grantId: await grant.save() } };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  /** True when the request was an interaction route (answered here), false to leave it to the provider. */
  return async function handle(req, res, pathname) {
    const match = INTERACTION_PATH.exec(pathname);
    if (!match) return false;
    const [, uid, isLogin] = match;
    try {
      if (isLogin && req.method === 'POST') await login(req, res, uid);
      else if (!isLogin && req.method === 'GET') {
        const details = await provider.interactionDetails(req, res);
        page(res, 200, details.uid);
      } else {
        res.writeHead(405).end();
      }
    } catch (err) {
      // SessionNotFound (no or another browser's interaction cookie) and the like: a plain refusal.
      if (!res.headersSent) res.writeHead(err.status ?? err.statusCode ?? 400, { 'Content-Type': 'text/plain' });
      res.end(err.error ?? err.message);
    }
    return true;
  };
}

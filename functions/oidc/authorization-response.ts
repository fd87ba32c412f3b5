import { SafeHtml, html } from '../platform/html';
import { withSecurityHeaders } from '../platform/http';
import { utf8 } from '../platform/encoding';

/**
 * How an answer reaches the RP's redirect_uri — the code (handoff) or an error (errors.ts): as query
 * parameters on a 302, or as an auto-submitted form for `response_mode=form_post`. `state` and `iss`
 * (RFC 9207, C-5) ride along with every answer.
 */
export interface ResponseTarget {
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  state?: string;
  issuer: string;
}

/** The only script on the page, allowed by its hash, so the CSP still forbids any other inline code. */
const AUTO_SUBMIT = 'document.forms[0].submit();';
let autoSubmitHash: Promise<string> | null = null;

function scriptHash(): Promise<string> {
  autoSubmitHash ??= crypto.subtle.digest('SHA-256', utf8(AUTO_SUBMIT)).then((d) => `'sha256-${btoa(String.fromCharCode(...new Uint8Array(d)))}'`);
  return autoSubmitHash;
}

function formPost(target: ResponseTarget, params: Record<string, string>, hash: string): Response {
  const body = html`<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>Ritorno al servizio</title></head>
<body>
<form method="post" action="${target.redirectUri}">
${Object.entries(params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">\n`)}<noscript><button type="submit">Continua</button></noscript>
</form>
<script>${new SafeHtml(AUTO_SUBMIT)}</script>
</body></html>`;
  return new Response(body.value, {
    status: 200,
    headers: withSecurityHeaders({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; script-src ${hash}; form-action ${new URL(target.redirectUri).origin}; frame-ancestors 'none'; base-uri 'none'`,
    }),
  });
}

export async function authorizationResponse(target: ResponseTarget, params: Record<string, string>): Promise<Response> {
  const all: Record<string, string> = { ...params, ...(target.state !== undefined ? { state: target.state } : {}), iss: target.issuer };
  if (target.responseMode === 'form_post') return formPost(target, all, await scriptHash());
  const url = new URL(target.redirectUri);
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return new Response(null, { status: 302, headers: withSecurityHeaders({ Location: url.toString() }) });
}

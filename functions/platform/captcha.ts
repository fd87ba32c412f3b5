import type { Env } from '../env';
import { isProduction } from '../env';
import { CONTENT_SECURITY_POLICY, type SafeHtml, html } from './html';

/** R-ACT-1's captcha: Cloudflare Turnstile in production; off only by explicit development config. */
export async function captchaPasses(env: Env, token: string | undefined, ip: string | null): Promise<boolean> {
  if (env.CAPTCHA === 'off' && !isProduction(env)) return true;
  if (!env.TURNSTILE_SECRET || !token || token.length > 2048) return false;
  const body = new FormData();
  body.set('secret', env.TURNSTILE_SECRET);
  body.set('response', token);
  if (ip) body.set('remoteip', ip);
  try {
    const res = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body });
    if (!res.ok) return false;
    const outcome = (await res.json()) as { success?: boolean };
    return outcome.success === true;
  } catch {
    // Siteverify unreachable: fail closed (the citizen is asked to retry), never a 500.
    return false;
  }
}

/** Turnstile's public site key, or null when the widget is not shown. */
export function captchaSiteKey(env: Env): string | null {
  if (env.CAPTCHA === 'off' && !isProduction(env)) return null;
  const key = env.TURNSTILE_SITE_KEY;
  return key && key.length < 256 ? key : null;
}

/** The form field the Turnstile widget fills in. */
export const CAPTCHA_FIELD = 'cf-turnstile-response';

/** The widget's script and frame come from Cloudflare: the one page that shows it widens the CSP for them. */
export const CAPTCHA_ORIGIN = 'https://challenges.cloudflare.com';

/** What a form says when the captcha did not pass. */
export const CAPTCHA_FAILED = 'Verifica "Non sono un robot" non superata: riprova.';

/** The Turnstile widget inside a form, or nothing when the captcha is off. */
export function captchaWidget(siteKey: string | null): SafeHtml {
  if (!siteKey) return html``;
  return html`<div class="form-group mb-3"><p class="form-label">Risolvi il captcha</p><div class="cf-turnstile" data-sitekey="${siteKey}" data-language="it"></div></div>
<script src="${CAPTCHA_ORIGIN}/turnstile/v0/api.js" async defer></script>`;
}

/** Only a page that shows the widget lets its script and frame in: the headers of such a page. */
export function captchaHeaders(siteKey: string | null): Record<string, string> {
  if (!siteKey) return {};
  return {
    'Content-Security-Policy': `${CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' ${CAPTCHA_ORIGIN}`)}; frame-src ${CAPTCHA_ORIGIN}`,
  };
}

/** A first form's captcha, as the activation's first form checks it (R-ACT-1): the token posted, the caller's IP. */
export const formCaptchaPasses = (env: Env, request: Request, form: Map<string, string>): Promise<boolean> =>
  captchaPasses(env, form.get(CAPTCHA_FIELD), request.headers.get('CF-Connecting-IP'));

import type { Env } from '../env';
import { isProduction } from '../env';

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

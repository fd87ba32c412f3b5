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
  const res = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body });
  if (!res.ok) return false;
  const outcome = (await res.json()) as { success?: boolean };
  return outcome.success === true;
}

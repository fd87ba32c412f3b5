import { describe, expect, it } from 'vitest';
import { STRICT_TRANSPORT_SECURITY, withEntryHeaders } from '../../../functions/platform/http';

describe('platform/http withEntryHeaders', () => {
  it('production: HSTS added, and status, body, every Set-Cookie and the other headers kept', async () => {
    const headers = new Headers({ 'Content-Type': 'text/html; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Location: '/login/abc' });
    headers.append('Set-Cookie', 'a=1; Path=/; HttpOnly');
    headers.append('Set-Cookie', 'b=2; Path=/; HttpOnly');
    const out = withEntryHeaders(new Response('corpo', { status: 303, statusText: 'See Other', headers }), true);
    expect(out.status).toBe(303);
    expect(out.headers.get('Strict-Transport-Security')).toBe(STRICT_TRANSPORT_SECURITY);
    expect(out.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; HttpOnly']);
    expect(out.headers.get('Location')).toBe('/login/abc');
    expect(await out.text()).toBe('corpo');
  });

  it('an immutable response without nosniff (as ASSETS gives) gets it; one that says it is left alone outside production', async () => {
    const asset = await fetch('data:text/css,body{}');
    const out = withEntryHeaders(asset, false);
    expect(out.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(out.headers.get('Strict-Transport-Security')).toBeNull();
    const own = new Response('{}', { headers: { 'X-Content-Type-Options': 'nosniff' } });
    expect(withEntryHeaders(own, false)).toBe(own);
  });

  it('a 304 without a body stays a 304', () => {
    const out = withEntryHeaders(new Response(null, { status: 304, headers: { ETag: '"x"' } }), true);
    expect([out.status, out.body, out.headers.get('ETag'), out.headers.get('X-Content-Type-Options')]).toEqual([304, null, '"x"', 'nosniff']);
  });
});

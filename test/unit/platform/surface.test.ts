import { type IRequest, Router } from 'itty-router';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../functions/env';
import {
  type JsonSurface,
  PAGE_TITLES,
  type PagesSurface,
  type Surface,
  SurfaceTableError,
  mountSurfaces,
  pageTitle,
  surfaceMap,
} from '../../../functions/platform/surface';

const nothing = () => {};
const site: PagesSurface = { name: 'site', basePaths: ['/'], answers: 'pages', mount: nothing };
const login: PagesSurface = { name: 'login', basePaths: ['/login'], answers: 'pages', titles: { 410: 'Accesso scaduto' }, mount: nothing };
const oidc: JsonSurface = { name: 'oidc', basePaths: ['/oidc', '/.well-known'], answers: 'json', mount: nothing };
const authorize: PagesSurface = { name: 'authorize', basePaths: ['/oidc/authorize'], answers: 'pages', mount: nothing };

const newRouter = () => Router<IRequest, [Env, ExecutionContext]>();

describe('platform/surface: which surface owns a path', () => {
  const surfaceOf = surfaceMap([site, login, oidc, authorize]);

  it('a base path owns itself and every path below it', () => {
    expect(surfaceOf('/login')).toBe(login);
    expect(surfaceOf('/login/abc/otp')).toBe(login);
    expect(surfaceOf('/.well-known/openid-configuration')).toBe(oidc);
  });

  it('a path that only begins with the same letters is not below it', () => {
    expect(surfaceOf('/loginx')).toBe(site);
    expect(surfaceOf('/oidcfoo')).toBe(site);
  });

  it('the longest base path wins, whatever the order of the list', () => {
    expect(surfaceOf('/oidc/authorize')).toBe(authorize);
    expect(surfaceOf('/oidc/token')).toBe(oidc);
    expect(surfaceMap([authorize, oidc, login, site])('/oidc/authorize')).toBe(authorize);
  });

  it('the surface at / owns every path no other surface claims', () => {
    expect(surfaceOf('/')).toBe(site);
    expect(surfaceOf('/non-esiste')).toBe(site);
  });
});

describe('platform/surface: the table is checked when the Worker starts', () => {
  it('refuses a base path claimed by two surfaces', () => {
    const other: JsonSurface = { name: 'other', basePaths: ['/login'], answers: 'json', mount: nothing };
    expect(() => surfaceMap([site, login, other])).toThrow(SurfaceTableError);
  });

  it('refuses a table with no surface at /', () => {
    expect(() => surfaceMap([login, oidc])).toThrow(SurfaceTableError);
  });

  it('refuses base paths that are not written as /a/b', () => {
    for (const base of ['login', '/login/']) {
      const bad: PagesSurface = { name: 'bad', basePaths: [base], answers: 'pages', mount: nothing };
      expect(() => surfaceMap([site, bad])).toThrow(SurfaceTableError);
    }
  });
});

describe('platform/surface: error page titles', () => {
  it("a surface's own title first, then the shared one, then a generic one", () => {
    expect(pageTitle(login, 410)).toBe('Accesso scaduto');
    expect(pageTitle(login, 429)).toBe(PAGE_TITLES[429]);
    expect(pageTitle(site, 410)).toBe('Richiesta non valida');
    expect(pageTitle(site, 503)).toBe('Servizio non disponibile');
  });
});

describe('platform/surface: mounting', () => {
  const ok = () => new Response('ok');

  it("mounts each surface's routes on the one router", async () => {
    const withRoutes: Surface[] = [
      { ...site, mount: (r) => void r.get('/', ok) },
      { ...login, mount: (r) => void r.get('/login/:flowId', ok).post('/login/:flowId/otp', ok) },
    ];
    const router = newRouter();
    const surfaceOf = mountSurfaces(router, withRoutes);
    expect(surfaceOf('/login/x')?.name).toBe('login');
    const res = await router.fetch(new Request('https://cieid.test/login/abc/otp', { method: 'POST' }), {} as Env, {} as ExecutionContext);
    expect(await res?.text()).toBe('ok');
  });

  it('refuses a route outside the paths its surface owns, the longest base included', () => {
    const strays: Surface[] = [
      { ...login, mount: (r) => void r.get('/attivazione', ok) },
      { ...oidc, mount: (r) => void r.get('/oidc/jwks', ok).post('/oidc/authorize', ok) },
      { ...oidc, mount: (r) => void r.all('/app/qr', ok) },
    ];
    for (const stray of strays) {
      expect(() => mountSurfaces(newRouter(), [site, authorize, stray])).toThrow(SurfaceTableError);
    }
  });
});

import type { IRequest, RouterType } from 'itty-router';
import type { Env } from '../env';

export type WorkerRouter = RouterType<IRequest, [Env, ExecutionContext]>;

/**
 * What a capability shows the world: the paths it owns and how it answers there. A machine's API
 * answers JSON, a citizen's pages answer pages; whatever the Worker's edge renders for a path (a
 * refusal, a 404, a shed request, an unexpected error) follows the surface that owns it, so no list of
 * prefixes elsewhere has to be kept in step with the routes.
 */
interface SurfaceBase {
  /** For tests and logs. */
  readonly name: string;
  /** Each base owns itself and every path below it (`/login` owns `/login/abc/otp`); `/` owns everything. */
  readonly basePaths: readonly string[];
  readonly mount: (router: WorkerRouter) => void;
}

export interface JsonSurface extends SurfaceBase {
  readonly answers: 'json';
}

export interface PagesSurface extends SurfaceBase {
  readonly answers: 'pages';
  /** Titles of its error pages where they differ from PAGE_TITLES. */
  readonly titles?: Readonly<Record<number, string>>;
}

export type Surface = JsonSurface | PagesSurface;

/** The title of an error page by status, shared by every page surface. */
export const PAGE_TITLES: Readonly<Record<number, string>> = {
  400: 'Richiesta non valida',
  404: 'Pagina non trovata',
  413: 'Richiesta troppo grande',
  415: 'Richiesta non valida',
  429: 'Troppe richieste',
  500: 'Errore',
  503: 'Servizio non disponibile',
};

const DEFAULT_TITLE = 'Richiesta non valida';

export function pageTitle(surface: PagesSurface, status: number): string {
  return surface.titles?.[status] ?? PAGE_TITLES[status] ?? DEFAULT_TITLE;
}

export class SurfaceTableError extends Error {}

const owns = (base: string, path: string): boolean => base === '/' || path === base || path.startsWith(`${base}/`);

/**
 * The owner of each path: the surface with the longest base path containing it. Checked when the
 * Worker starts: a base path claimed twice, or no surface at `/`, would leave a path's owner to the
 * order of a list.
 */
export function surfaceMap(surfaces: readonly Surface[]): (path: string) => Surface {
  const bases = new Map<string, Surface>();
  for (const surface of surfaces) {
    for (const base of surface.basePaths) {
      if (!base.startsWith('/') || (base !== '/' && base.endsWith('/'))) {
        throw new SurfaceTableError(`${surface.name}: base path ${base} must start with / and not end with one`);
      }
      const other = bases.get(base);
      if (other) throw new SurfaceTableError(`${base} is claimed by both ${other.name} and ${surface.name}`);
      bases.set(base, surface);
    }
  }
  const root = bases.get('/');
  if (!root) throw new SurfaceTableError('no surface owns /: a path outside every surface would have no answer');
  const longestFirst = [...bases.keys()].sort((a, b) => b.length - a.length);
  return (path) => bases.get(longestFirst.find((b) => owns(b, path)) ?? '/') ?? root;
}

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);

/**
 * The router as one surface sees it while it mounts: a route outside the paths the surface owns is
 * refused, since the edge would answer that route's errors in another surface's way.
 */
function confinedTo(router: WorkerRouter, surface: Surface, surfaceOf: (path: string) => Surface): WorkerRouter {
  const confined: WorkerRouter = new Proxy(router, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || !ROUTE_METHODS.has(prop)) return Reflect.get(target, prop, receiver);
      return (path: string, ...handlers: unknown[]) => {
        const owner = surfaceOf(path);
        if (owner !== surface) throw new SurfaceTableError(`${surface.name} mounts ${path}, a path ${owner.name} owns`);
        Reflect.apply(Reflect.get(target, prop) as (...args: unknown[]) => unknown, target, [path, ...handlers]);
        return confined;
      };
    },
  });
  return confined;
}

/** Mounts every surface's routes, each kept to its own paths, and answers which surface owns a path. */
export function mountSurfaces(router: WorkerRouter, surfaces: readonly Surface[]): (path: string) => Surface {
  const surfaceOf = surfaceMap(surfaces);
  for (const surface of surfaces) surface.mount(confinedTo(router, surface, surfaceOf));
  return surfaceOf;
}

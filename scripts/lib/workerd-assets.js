// The static assets (`[assets]` of wrangler.toml) for standalone workerd: workerd's disk service serves
// a file's bytes and nothing else, so this small worker in front of it gives each file the content
// type Workers Static Assets would, answers HEAD, and 404s anything that is not a file we publish
// (a directory listing, a path climbing out with "..", a name without a known extension).
const TYPES = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  map: 'application/json; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  txt: 'text/plain; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

const notFound = () => new Response('Not Found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

export default {
  async fetch(request, env) {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
    const { pathname } = new URL(request.url);
    let path;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      return notFound();
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    const type = TYPES[name.slice(name.lastIndexOf('.') + 1).toLowerCase()];
    if (!type || !name.includes('.') || path.split('/').some((part) => part === '..' || part.startsWith('.'))) return notFound();
    const file = await env.DISK.fetch(new Request(new URL(pathname, 'http://disk.invalid'), { method: 'GET' }));
    if (!file.ok) return notFound();
    const headers = new Headers({ 'Content-Type': type, 'Cache-Control': 'public, max-age=0, must-revalidate' });
    const length = file.headers.get('Content-Length');
    if (length) headers.set('Content-Length', length);
    return new Response(request.method === 'HEAD' ? null : file.body, { status: 200, headers });
  },
};

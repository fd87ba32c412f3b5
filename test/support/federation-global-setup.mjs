// vitest's globalSetup for the workerd tests of federation (vitest.config.ts): a plain HTTP server on
// 127.0.0.1, started in Node because workerd cannot listen, on which the tests publish the statements
// of a made-up federation (trust anchors, intermediates, relying parties) for the Worker to fetch. Its
// URL reaches the tests through `provide` (read with `inject('federationHost')`, test/support/federation.ts).
//
// PUT <path>  body = the document; headers X-Serve-Type (Content-Type to answer), X-Serve-Status,
//             X-Serve-Delay-Ms, X-Serve-Location (a redirect), X-Serve-Chunked (no Content-Length: the
//             body streamed in 1 KB chunks). GET <path>[?query] answers it: the exact
//             path with its query first, then the path alone. Everything lives in memory for the run.
import { createServer } from 'node:http';

export default async function setup(project) {
  const documents = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'PUT') {
        documents.set(url.pathname + url.search, {
          body: Buffer.concat(chunks),
          type: req.headers['x-serve-type'] ?? 'application/entity-statement+jwt',
          status: Number(req.headers['x-serve-status'] ?? 200),
          delayMs: Number(req.headers['x-serve-delay-ms'] ?? 0),
          location: req.headers['x-serve-location'],
          chunked: req.headers['x-serve-chunked'] === '1',
        });
        res.writeHead(204).end();
        return;
      }
      const doc = documents.get(url.pathname + url.search) ?? documents.get(url.pathname);
      if (!doc) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(doc.status, { 'Content-Type': doc.type, ...(doc.location ? { Location: doc.location } : {}) });
        if (!doc.chunked) return res.end(doc.body);
        for (let at = 0; at < doc.body.length; at += 1024) res.write(doc.body.subarray(at, at + 1024));
        res.end();
      };
      if (doc.delayMs) setTimeout(answer, doc.delayMs).unref();
      else answer();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  project.provide('federationHost', `http://127.0.0.1:${port}`);
  return () => new Promise((resolve) => server.close(() => resolve()));
}

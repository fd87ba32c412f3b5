import { exports } from 'cloudflare:workers';

/** The Worker under test, called through its fetch handler as a client would. */
export const worker = (exports as unknown as { default: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> } }).default;

export const ORIGIN = 'http://127.0.0.1:8787';
export const REGISTRY_TOKEN = 'test-registry-token';

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return worker.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

export function registry(path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  return call(`/registry${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${REGISTRY_TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    ...init,
  });
}

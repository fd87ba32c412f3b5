import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The workerd binary that ships in node_modules (`@cloudflare/workerd-<platform>-<arch>`), the one wrangler runs. */
export function workerdBinary(root) {
  const scope = join(root, 'node_modules', '@cloudflare');
  const candidates = existsSync(scope) ? readdirSync(scope).filter((name) => name.startsWith('workerd-')) : [];
  for (const name of candidates) {
    const bin = join(scope, name, 'bin', process.platform === 'win32' ? 'workerd.exe' : 'workerd');
    if (existsSync(bin)) return bin;
  }
  throw new Error('no workerd binary in node_modules/@cloudflare/workerd-*: run npm install');
}

// Copies the Bootstrap Italia theme (CSS, fonts, icons) from node_modules into public/static, where
// wrangler serves it as static assets. Run before `npm start` and `npm test`; public/static is not committed.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'node_modules', 'bootstrap-italia', 'dist');
const to = join(root, 'public', 'static', 'bootstrap-italia');
if (!existsSync(from)) {
  console.error('bootstrap-italia is not installed: run npm install');
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const dir of ['css', 'fonts', 'svg']) cpSync(join(from, dir), join(to, dir), { recursive: true });

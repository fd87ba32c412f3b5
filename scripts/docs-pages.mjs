// `npm run docs:pages`: copies the main page states from the browser tests' gallery
// (test-results/pages/, written by `npm test` or `npm run test:e2e`) into docs/pages/, the images
// docs/pages.md shows. Run it after changing what a page looks like, and look at the result.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib/dev-server.mjs';

/** The states docs/pages.md shows, each at both widths. */
export const MAIN_PAGES = [
  'attivazione-01-dati-errore',
  'attivazione-02-puk',
  'attivazione-08-configura',
  'attivazione-09-riepilogo-app',
  'login-l2-credenziali-qr',
  'login-qr-scaduto',
  'login-sms-codice-errore',
  'login-push-attesa',
  'login-sms-consenso',
  'pagina-non-trovata',
];

const gallery = join(root, 'test-results', 'pages');
const docs = join(root, 'docs', 'pages');
mkdirSync(docs, { recursive: true });
const missing = [];
for (const name of MAIN_PAGES) {
  for (const width of ['desktop', 'phone']) {
    const file = `${name}-${width}.png`;
    if (existsSync(join(gallery, file))) copyFileSync(join(gallery, file), join(docs, file));
    else missing.push(file);
  }
}
if (missing.length) {
  console.error(`docs:pages: not in ${gallery} (run npm run test:e2e first): ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`docs:pages: ${MAIN_PAGES.length * 2} images copied into docs/pages/`);

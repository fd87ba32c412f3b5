import { join } from 'node:path';
import { root } from './dev-server.mjs';

/** Where `npm run load:install` puts k6, and the version load/k6/go.mod pins. */
export const K6_VERSION = 'v2.2.0';
export const TOOLS_BIN = join(root, '.tools', 'bin');
export const K6_BIN = join(TOOLS_BIN, 'k6');

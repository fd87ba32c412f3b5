import type { PendingCookie } from '../relying-party/pending';

/** The demo's pending login, sealed in its own cookie (relying-party/pending). */
export const DEMO_PENDING: PendingCookie = { name: 'cie_demo', context: 'demo-rp-session' };

export const MISSING_SESSION = 'Sessione del servizio assente o scaduta: riparti da “Entra con CIE”.';

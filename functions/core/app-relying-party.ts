/**
 * The App CieID's WebAuthn relying party outside production: the virtual App (tests, harness) speaks
 * for a localhost web origin. Production sets APP_RP_ID / APP_ORIGIN (functions/app/relying-party).
 */
export const DEV_APP_RP_ID = 'localhost';
export const DEV_APP_ORIGIN = 'http://localhost:8787';

/**
 * "Dispositivi" in the personal area (R-ACC-5, R-APP-4): what a device id from the URL may look like.
 * A device id is 16 random bytes in base64url (app/steps/registration); the App's session token
 * accepts 16 to 64 such characters, and so does this: anything else names no device and reaches no object.
 */
const DEVICE_ID = /^[A-Za-z0-9_-]{16,64}$/;

export function parseDeviceId(value: unknown): string | null {
  return typeof value === 'string' && DEVICE_ID.test(value) ? value : null;
}

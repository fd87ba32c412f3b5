/** OIDC_KEYS for development and tests: JSON with a current and a next set of private signing JWKs. */
export function generateOidcKeys(): string;

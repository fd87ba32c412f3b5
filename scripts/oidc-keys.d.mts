/** OIDC_KEYS for development and tests: JSON with a current and a next set of private signing JWKs. */
export function generateOidcKeys(): string;
/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public or private RSA/EC JWK. */
export function thumbprint(jwk: { kty?: string; [member: string]: unknown }): string;

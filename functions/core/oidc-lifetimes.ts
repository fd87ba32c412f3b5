/** How long each protocol artefact lives, in seconds unless named otherwise. */

/** Tolerance for clocks of RPs that run a little ahead or behind ours (iat, nbf, exp). */
export const CLOCK_SKEW_SECONDS = 60;

/** An authorization code is single use and short (docs/login-handoff.md). */
export const CODE_TTL_SECONDS = 60;
export const ID_TOKEN_TTL_SECONDS = 5 * 60;
/** C-31: at most 15 minutes. */
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60;
/** C-36: a refresh token never lives more than 30 days. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
export const USERINFO_JWT_TTL_SECONDS = 5 * 60;

/** The login flow expires when the citizen leaves it idle this long. */
export const LOGIN_IDLE_MS = 10 * 60_000;

/** A nonce is remembered per client this long (C-17); a request object older than that is expired anyway. */
export const NONCE_MEMORY_SECONDS = 24 * 3600;
/** Client assertions and request objects must not claim to live longer than this. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 3600;

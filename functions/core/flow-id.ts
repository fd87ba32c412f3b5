/** A flow's id as our links carry it (32 random bytes in base64url, as randomId makes them): anything else names no flow. */
export const FLOW_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

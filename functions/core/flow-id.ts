/** A flow's id as our links carry it (base64url, the shape randomId makes): anything else names no flow. */
export const FLOW_ID_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

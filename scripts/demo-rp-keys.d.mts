/** DEMO_RP_KEYS for development and tests: JSON `{"sig": private JWK, "enc": private JWK}`. */
export function generateDemoRpKeys(): string;

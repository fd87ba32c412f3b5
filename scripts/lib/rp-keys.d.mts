export interface RpKey {
  kid: string;
  publicKey: CryptoKey;
  privateKey: CryptoKey;
  publicJwk: JsonWebKey & { kid: string; use: 'sig' | 'enc'; alg?: string };
  privateJwk: JsonWebKey & { kid: string };
}
export interface RpKeys {
  sig: RpKey;
  enc: RpKey;
  jwks: { keys: Array<RpKey['publicJwk']> };
}
export function generateRpKeys(): Promise<RpKeys>;
export function registerClient(baseUrl: string, registryToken: string, registration: Record<string, unknown>): Promise<void>;
export function randomRpHost(): string;

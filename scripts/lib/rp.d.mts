export const ACR: { 1: string; 2: string; 3: string };

export interface AuthorizationRequest {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

export interface TokenResponse {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
}

export interface BenchRp {
  clientId: string;
  redirectUri: string;
  discovery: Record<string, string>;
  authorizationRequest(options?: { level?: 1 | 2 | 3; scope?: string }): Promise<AuthorizationRequest>;
  exchange(callback: URL, request: Omit<AuthorizationRequest, 'url'>): Promise<TokenResponse>;
  userinfo(accessToken: string): Promise<Record<string, unknown>>;
}

export function createRp(baseUrl: string, registryToken: string, options?: { name?: string; host?: string }): Promise<BenchRp>;

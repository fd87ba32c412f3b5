import type { Citizen } from './citizens.mjs';

export interface IssuedCard {
  serial: string;
  pin: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
  expiresAt: string;
}
export interface ActiveCitizen {
  citizen: Citizen;
  card: IssuedCard;
  password: string;
}

export const PASSWORD: string;
export const GDPR: string;
export function issueCard(baseUrl: string, registryToken: string, citizen: Citizen): Promise<IssuedCard>;
export function outbox(baseUrl: string, to: string): Promise<Array<{ to: string; code?: string; [key: string]: unknown }>>;
export function latestCode(baseUrl: string, to: string, notBefore?: number, timeoutMs?: number): Promise<string>;
export function activate(baseUrl: string, who: { citizen: Citizen; card: IssuedCard }, password?: string): Promise<ActiveCitizen>;
export function loginToRp(
  baseUrl: string,
  authorizationUrl: string | URL,
  who: { username: string; password: string; phone?: string },
  mark?: (step: string) => void,
): Promise<URL>;

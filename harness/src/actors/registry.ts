import type { JsonWebKey } from 'node:crypto';
import { CheckFailure, type CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';

/** What the registry is told to issue a card (POST /registry/cards). */
export interface CardRequest {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
  email?: string;
}

/** What the citizen receives with a new card: the receipt from the Comune and the letter. */
export interface IssuedCard {
  serial: string;
  pin: string;
  puk: string;
  receipt: { pinFirstHalf: string; pukFirstHalf: string };
  letter: { pinSecondHalf: string; pukSecondHalf: string };
  expiresAt: string;
  /** The chip's contents, when the registry generated the card's key (docs/level3.md): once, never kept. */
  cardKey?: JsonWebKey;
  certificate?: string;
}

/** The back office's view of a card: no secrets. */
export interface CardRecord {
  serial: string;
  fiscalCode: string;
  status: string;
  pukFailures: number;
  credentials: { activatedAt: string; mode: string } | null;
  expiresAt: string;
}

/**
 * The issuer's back office (Comune / Ministero): issues, blocks and reprints cards, and registers
 * relying parties, with the registry's bearer token. Setup calls that fail end the check with the
 * registry's answer, since nothing after them would mean anything.
 */
export class Registry {
  readonly ctx: CheckContext;

  constructor(ctx: CheckContext) {
    this.ctx = ctx;
  }

  private send(method: string, path: string, json?: unknown): Promise<HttpResponse> {
    return this.ctx.http.request(method, new URL(path, this.ctx.baseUrl), {
      headers: { Authorization: `Bearer ${this.ctx.registryToken}` },
      ...(json === undefined ? {} : { json }),
    });
  }

  issueCardRaw(request: CardRequest): Promise<HttpResponse> {
    return this.send('POST', '/registry/cards', request);
  }

  async issueCard(request: CardRequest): Promise<IssuedCard> {
    return expectOk(await this.issueCardRaw(request), 201, 'the registry refused to issue a card');
  }

  async card(serial: string): Promise<CardRecord> {
    return expectOk(await this.send('GET', `/registry/cards/${encodeURIComponent(serial)}`), 200, `the registry cannot show card ${serial}`);
  }

  async block(serial: string, reason: 'lost' | 'stolen'): Promise<CardRecord> {
    return expectOk(await this.send('POST', `/registry/cards/${encodeURIComponent(serial)}/block`, { reason }), 200, `the registry refused to block ${serial}`);
  }

  async reprint(serial: string): Promise<IssuedCard> {
    return expectOk(await this.send('POST', `/registry/cards/${encodeURIComponent(serial)}/codes`, {}), 200, `the registry refused to reprint ${serial}`);
  }

  registerClient(metadata: Record<string, unknown>): Promise<HttpResponse> {
    return this.send('POST', '/registry/clients', metadata);
  }

  deleteClient(clientId: string): Promise<HttpResponse> {
    return this.send('DELETE', `/registry/clients/${encodeURIComponent(clientId)}`);
  }
}

function expectOk<T>(res: HttpResponse, status: number, what: string): T {
  if (res.status !== status) {
    const hint = res.status === 401 || res.status === 403 ? ' (is --registry-token right?)' : '';
    throw new CheckFailure(`${what}: expected ${status}, got ${res.status}${hint} ${res.text.slice(0, 300)}`);
  }
  return res.json<T>();
}

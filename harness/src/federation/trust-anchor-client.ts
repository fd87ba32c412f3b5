import type { JWK } from 'jose';
import { CheckFailure, type CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import { randomLabel } from '../actors/random.ts';
import { entityConfiguration, federationKey, jwksOf, subordinateStatement, type FederationKey, type TrustMarkEntry } from './statements.ts';
import type { HostedEntity, StatementFault, TrustMarkKind } from './trust-anchor.ts';

/** What the TA is told about a subordinate it signs for (its admin API's JSON). */
export interface SubordinateSpec {
  metadata_policy?: Record<string, Record<string, Record<string, unknown>>>;
  metadata?: Record<string, Record<string, unknown>>;
  constraints?: Record<string, unknown>;
  fault?: StatementFault;
}

/**
 * A check's hold on the development Trust Anchor the deployment trusts (`--federation-ta`): through
 * its admin API it lists subordinates, issues trust marks and hosts the members a check makes up.
 * Its requests go through `ctx.http`, so a failing check shows how its federation was set up.
 */
export class TrustAnchorClient {
  readonly ctx: CheckContext;
  readonly entityId: string;
  readonly trustMarkId: string;
  readonly jwks: { keys: JWK[] };
  private readonly base: URL;
  private readonly token: string;

  private constructor(ctx: CheckContext, base: URL, token: string, config: { entity_id: string; trust_mark_id: string; jwks: { keys: JWK[] } }) {
    this.ctx = ctx;
    this.base = base;
    this.token = token;
    this.entityId = config.entity_id;
    this.trustMarkId = config.trust_mark_id;
    this.jwks = config.jwks;
  }

  static async connect(ctx: CheckContext): Promise<TrustAnchorClient> {
    const target = ctx.trustAnchor;
    if (!target) {
      throw new CheckFailure(
        'suite federation needs the development Trust Anchor the deployment trusts: start it (cie-harness trust-anchor), configure the deployment with what `cie-harness trust-anchor --print-config` prints, and run with --federation-ta URL (and its admin token in FEDERATION_TA_TOKEN)',
      );
    }
    const res = await admin(ctx, target.url, target.adminToken, 'GET', '/config');
    if (res.status !== 200)
      throw new CheckFailure(`the Trust Anchor at ${target.url.origin} did not give its configuration: ${res.status} ${res.text.slice(0, 200)}`);
    return new TrustAnchorClient(ctx, target.url, target.adminToken, res.json());
  }

  /** The entity id of a member hosted by the TA's server under `name`. */
  hostedId(name: string): string {
    return `${this.entityId}/e/${name}`;
  }

  async addSubordinate(sub: string, jwks: { keys: JWK[] }, spec: SubordinateSpec = {}): Promise<void> {
    await this.expect(201, 'POST', '/subordinates', { sub, jwks, ...spec }, `list ${sub} as a subordinate`);
  }

  async trustMarks(sub: string, kind: TrustMarkKind = 'valid'): Promise<TrustMarkEntry[]> {
    const res = await this.expect(201, 'POST', '/trust-marks', { sub, kind }, `issue a trust mark to ${sub}`);
    return res.json<{ trust_marks: TrustMarkEntry[] }>().trust_marks;
  }

  async host(name: string, entity: HostedEntity): Promise<void> {
    await this.expect(204, 'PUT', `/entities/${name}`, entity, `host ${this.hostedId(name)}`);
  }

  private async expect(status: number, method: string, path: string, body: unknown, what: string): Promise<HttpResponse> {
    const res = await admin(this.ctx, this.base, this.token, method, path, body);
    if (res.status !== status) throw new CheckFailure(`the Trust Anchor would not ${what}: ${res.status} ${res.text.slice(0, 300)}`);
    return res;
  }
}

function admin(ctx: CheckContext, base: URL, token: string, method: string, path: string, body?: unknown): Promise<HttpResponse> {
  return ctx.http.request(method, new URL(`/__admin${path}`, base), {
    headers: { Authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { json: body }),
  });
}

/**
 * An intermediate authority, hosted by the TA's server: its own key, the authorities it names, and the
 * statements it signs about its subordinates (served by its fetch endpoint). Changes take effect on
 * `publish()`.
 */
export class Intermediate {
  readonly ta: TrustAnchorClient;
  readonly name: string;
  readonly entityId: string;
  readonly key: FederationKey;
  private readonly statements: Record<string, string> = {};

  private constructor(ta: TrustAnchorClient, name: string, key: FederationKey) {
    this.ta = ta;
    this.name = name;
    this.entityId = ta.hostedId(name);
    this.key = key;
  }

  static async create(ta: TrustAnchorClient): Promise<Intermediate> {
    return new Intermediate(ta, `ia-${randomLabel(12)}`, await federationKey({ alg: 'ES256' }));
  }

  get jwks(): { keys: JWK[] } {
    return jwksOf(this.key);
  }

  async subordinate(sub: string, jwks: { keys: JWK[] }, spec: Omit<SubordinateSpec, 'fault'> = {}): Promise<void> {
    this.statements[sub] = await subordinateStatement({
      issuer: this.entityId,
      issuerKey: this.key,
      subject: sub,
      subjectJwks: jwks,
      ...(spec.metadata_policy ? { metadataPolicy: spec.metadata_policy } : {}),
      ...(spec.metadata ? { metadata: spec.metadata } : {}),
      ...(spec.constraints ? { constraints: spec.constraints } : {}),
    });
  }

  async publish(authorityHints: string[]): Promise<void> {
    const configuration = await entityConfiguration({
      entityId: this.entityId,
      key: this.key,
      authorityHints,
      metadata: {
        federation_entity: {
          organization_name: `Intermediario di prova ${this.name}`,
          federation_fetch_endpoint: `${this.entityId}/fetch`,
          federation_list_endpoint: `${this.entityId}/list`,
        },
      },
    });
    await this.ta.host(this.name, { entity_configuration: configuration, subordinate_statements: this.statements });
  }
}

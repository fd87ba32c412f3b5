import type { JWK } from 'jose';
import type { CheckContext } from '../core/check.ts';
import { randomLabel } from '../actors/random.ts';
import { RelyingParty, type Overrides, type RpOptions } from '../actors/relying-party.ts';
import { entityConfiguration, federationKey, jwksOf, nowSeconds, relyingPartyMetadata, type FederationKey, type TrustMarkEntry } from './statements.ts';
import { TrustAnchorClient, type SubordinateSpec } from './trust-anchor-client.ts';
import type { TrustMarkKind } from './trust-anchor.ts';

/** Its own entity configuration wrong in one way (C-41). */
export const CONFIGURATION_FAULTS = ['bad-signature', 'expired', 'iss-not-sub', 'content-type'] as const;
export type ConfigurationFault = (typeof CONFIGURATION_FAULTS)[number];

export interface FederatedRpOptions extends Omit<RpOptions, 'register' | 'clientId' | 'redirectUri'> {
  /** The superiors it names; by default the Trust Anchor itself. */
  authorityHints?: string[];
  /** What the TA signs about it when the TA is its superior; `null`: the TA does not list it. */
  statement?: SubordinateSpec | null;
  /** The TA's trust mark in its entity configuration (default a valid one). */
  trustMark?: TrustMarkKind;
  /** Members of its `openid_relying_party` metadata over the defaults; `undefined` removes one. */
  metadata?: Overrides;
  configurationFault?: ConfigurationFault;
  /** Seconds its entity configuration is valid (default the builder's hour): the chain's lowest `exp`. */
  lifetime?: number;
}

/**
 * A relying party known to the deployment by federation only: an entity id under the development
 * Trust Anchor's server, a federation key of its own, an entity configuration the TA's server hosts
 * (`openid_relying_party` metadata built from the same registration an RP would send the registry),
 * and a trust mark. `rp` is the ordinary protocol actor with that entity id as client_id: it sends
 * the request objects, redeems codes with private_key_jwt and opens what the OP signs and encrypts.
 */
export class FederatedRelyingParty {
  readonly rp: RelyingParty;
  readonly ta: TrustAnchorClient;
  readonly name: string;
  readonly key: FederationKey;
  readonly trustMarks: TrustMarkEntry[];

  private constructor(rp: RelyingParty, ta: TrustAnchorClient, name: string, key: FederationKey, trustMarks: TrustMarkEntry[]) {
    this.rp = rp;
    this.ta = ta;
    this.name = name;
    this.key = key;
    this.trustMarks = trustMarks;
  }

  static async create(ctx: CheckContext, options: FederatedRpOptions = {}, ta?: TrustAnchorClient): Promise<FederatedRelyingParty> {
    const anchor = ta ?? (await TrustAnchorClient.connect(ctx));
    const name = `rp-${randomLabel(12)}`;
    const entityId = anchor.hostedId(name);
    const [rp, key] = await Promise.all([
      RelyingParty.create(ctx, { ...options, register: false, clientId: entityId, redirectUri: `${entityId}/callback` }),
      federationKey(),
    ]);
    const hints = options.authorityHints ?? [anchor.entityId];
    if (options.statement !== null && hints.includes(anchor.entityId)) {
      await anchor.addSubordinate(entityId, jwksOf(key), options.statement ?? {});
    }
    const marks = await anchor.trustMarks(entityId, options.trustMark ?? 'valid');
    const federated = new FederatedRelyingParty(rp, anchor, name, key, marks);
    await federated.publish(hints, options);
    return federated;
  }

  get entityId(): string {
    return this.rp.clientId;
  }

  /** Its federation keys, as a superior pins them. */
  get jwks(): { keys: JWK[] } {
    return jwksOf(this.key);
  }

  /** The `openid_relying_party` metadata it publishes: the registration, as the profile shapes it. */
  metadata(overrides: Overrides = {}): Record<string, unknown> {
    const registration = this.rp.registration();
    const base = relyingPartyMetadata({
      entityId: this.entityId,
      redirectUris: [this.rp.redirectUri],
      jwks: this.rp.publicJwks,
      clientName: typeof registration.client_name === 'string' ? registration.client_name : undefined,
      extra: registration,
    });
    const out: Record<string, unknown> = { ...base, ...overrides };
    for (const [name, value] of Object.entries(out)) if (value === undefined) delete out[name];
    return out;
  }

  /** Publishes its entity configuration again, changed: what the OP must see once the old one expired. */
  async republish(authorityHints: string[], options: Pick<FederatedRpOptions, 'metadata' | 'lifetime'>): Promise<void> {
    await this.publish(authorityHints, options);
  }

  private async publish(authorityHints: string[], options: FederatedRpOptions): Promise<void> {
    const fault = options.configurationFault;
    const now = nowSeconds();
    const configuration = await entityConfiguration({
      entityId: this.entityId,
      key: this.key,
      authorityHints,
      metadata: {
        federation_entity: { organization_name: `Servizio federato di prova ${this.name}`, contacts: ['rp-prova@example.invalid'] },
        openid_relying_party: this.metadata(options.metadata),
      },
      ...(this.trustMarks.length ? { trustMarks: this.trustMarks } : {}),
      ...(fault === 'expired' ? { iat: now - 7200, exp: now - 3600 } : options.lifetime ? { exp: now + options.lifetime } : {}),
      ...(fault === 'bad-signature' ? { signWith: await federationKey({ kid: this.key.kid }) } : {}),
      ...(fault === 'iss-not-sub' ? { claims: { iss: this.ta.hostedId(`${this.name}-other`) } } : {}),
    });
    await this.ta.host(this.name, { entity_configuration: configuration, ...(fault === 'content-type' ? { content_type: 'application/json' } : {}) });
  }
}

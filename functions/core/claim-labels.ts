/**
 * R-LOG-7: the consent page names, in Italian, the attributes the relying party is about to receive.
 * Claims come from the requested scopes and from the `claims` parameter (id_token and userinfo); the
 * companion `*_verified` flags travel with their attribute and are not listed on their own.
 */
export const FISCAL_NUMBER_CLAIM = 'https://attributes.eid.gov.it/fiscal_number';

/** Claim → the name the citizen reads, in the order the page lists them. */
export const CLAIM_LABELS: ReadonlyArray<readonly [claim: string, label: string]> = [
  ['given_name', 'Nome'],
  ['family_name', 'Cognome'],
  ['birthdate', 'Data di nascita'],
  [FISCAL_NUMBER_CLAIM, 'Codice fiscale'],
  ['email', 'Email'],
  ['phone_number', 'Numero di cellulare'],
  ['document_details', 'Dati del documento'],
];

/** Claims each scope stands for (CIE OIDC profile). */
export const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ['given_name', 'family_name', 'birthdate', FISCAL_NUMBER_CLAIM],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** What the guides show when a service asks for nothing in particular (R-LOG-7 "default"). */
export const DEFAULT_CLAIMS: readonly string[] = SCOPE_CLAIMS.profile!;

const COMPANION: Readonly<Record<string, string>> = {
  email_verified: 'email',
  phone_number_verified: 'phone_number',
};

export interface RequestedClaims {
  id_token: readonly string[];
  userinfo: readonly string[];
}

/** Every attribute claim the request asks for, companions folded into their attribute. */
export function requestedClaims(scope: readonly string[], claims: RequestedClaims): Set<string> {
  const out = new Set<string>();
  const add = (claim: string) => out.add(COMPANION[claim] ?? claim);
  for (const s of scope) for (const c of SCOPE_CLAIMS[s] ?? []) add(c);
  for (const c of claims.id_token) add(c);
  for (const c of claims.userinfo) add(c);
  return out;
}

/**
 * The Italian names to list, in page order. Claims we have no name for are not attributes of the
 * citizen (e.g. `sub`, `acr`) and are not listed; when nothing is asked for, the default set is shown.
 */
export function consentLabels(scope: readonly string[], claims: RequestedClaims): string[] {
  let wanted = requestedClaims(scope, claims);
  if (![...wanted].some((c) => CLAIM_LABELS.some(([claim]) => claim === c))) wanted = new Set(DEFAULT_CLAIMS);
  return CLAIM_LABELS.filter(([claim]) => wanted.has(claim)).map(([, label]) => label);
}

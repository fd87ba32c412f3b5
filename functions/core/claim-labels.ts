import { FISCAL_NUMBER, SCOPE_CLAIMS, type ClaimsRequest } from './oidc-claims';

/**
 * R-LOG-7: the consent page names, in Italian, the attributes the relying party is about to receive —
 * exactly the claims the OpenID Provider will release (scope-implied ones and those asked through
 * `claims`, core/oidc-claims). The companion `*_verified` flags travel with their attribute and are
 * not listed on their own. The guides' "default" list (Nome, Cognome, Data di nascita, Codice fiscale)
 * is what the usual `profile` scope yields; a request for none of them lists none.
 */
export const CLAIM_LABELS: ReadonlyArray<readonly [claim: string, label: string]> = [
  ['given_name', 'Nome'],
  ['family_name', 'Cognome'],
  ['birthdate', 'Data di nascita'],
  [FISCAL_NUMBER, 'Codice fiscale'],
  ['email', 'Email'],
  ['phone_number', 'Numero di cellulare'],
  ['document_details', 'Dati del documento'],
];

const COMPANION: Readonly<Record<string, string>> = {
  email_verified: 'email',
  phone_number_verified: 'phone_number',
};

/** Every attribute claim the request will receive, companions folded into their attribute. */
export function requestedAttributes(scope: readonly string[], claims: ClaimsRequest): Set<string> {
  const out = new Set<string>();
  const add = (claim: string) => out.add(COMPANION[claim] ?? claim);
  for (const s of scope) for (const c of SCOPE_CLAIMS[s] ?? []) add(c);
  for (const c of claims.id_token) add(c);
  for (const c of claims.userinfo) add(c);
  return out;
}

/** The Italian names to list, in page order; claims with no name here are no attribute of the citizen. */
export function consentLabels(scope: readonly string[], claims: ClaimsRequest): string[] {
  const wanted = requestedAttributes(scope, claims);
  return CLAIM_LABELS.filter(([claim]) => wanted.has(claim)).map(([, label]) => label);
}

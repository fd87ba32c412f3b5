import { describe, expect, it } from 'vitest';
import { applyPolicy, checkPolicy, combinePolicies, type Policy } from '../../../functions/core/federation-policy';

const applied = (metadata: Record<string, unknown>, policy: Policy) => {
  const result = applyPolicy(metadata, policy);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
};
const refused = (metadata: Record<string, unknown>, policy: Policy) => {
  const result = applyPolicy(metadata, policy);
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.problem;
};
const combined = (upper: Policy, lower: Policy) => {
  const result = combinePolicies(upper, lower);
  if (!result.ok) throw new Error(result.problem);
  return result.value;
};

describe('metadata policy operators, applied (OpenID Federation 1.0 §6.1.4)', () => {
  it('value sets the parameter whatever the RP says; value null removes it', () => {
    expect(applied({ client_name: 'mine' }, { client_name: { value: 'theirs' } })).toEqual({ client_name: 'theirs' });
    expect(applied({ logo_uri: 'x' }, { logo_uri: { value: null } })).toEqual({});
  });

  it('add joins its values to the RP list once, and creates the list when absent', () => {
    expect(applied({ redirect_uris: ['https://a/cb'] }, { redirect_uris: { add: ['https://a/cb', 'https://b/cb'] } })).toEqual({
      redirect_uris: ['https://a/cb', 'https://b/cb'],
    });
    expect(applied({}, { contacts: { add: ['ops@example.it'] } })).toEqual({ contacts: ['ops@example.it'] });
  });

  it('add on a space-separated string (scope) adds words', () => {
    expect(applied({ scope: 'openid' }, { scope: { add: ['profile'] } })).toEqual({ scope: 'openid profile' });
  });

  it('default fills an absent parameter only', () => {
    expect(applied({}, { id_token_signed_response_alg: { default: 'RS256' } })).toEqual({ id_token_signed_response_alg: 'RS256' });
    expect(applied({ id_token_signed_response_alg: 'ES256' }, { id_token_signed_response_alg: { default: 'RS256' } })).toEqual({
      id_token_signed_response_alg: 'ES256',
    });
  });

  it('one_of refuses a value outside the list', () => {
    const policy = { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } };
    expect(applied({ token_endpoint_auth_method: 'private_key_jwt' }, policy)).toEqual({ token_endpoint_auth_method: 'private_key_jwt' });
    expect(refused({ token_endpoint_auth_method: 'client_secret_basic' }, policy)).toContain('token_endpoint_auth_method');
  });

  it('subset_of keeps the intersection, an empty one as an empty list (Table 1: the parameter stays)', () => {
    const policy = { grant_types: { subset_of: ['authorization_code', 'refresh_token'] } };
    expect(applied({ grant_types: ['authorization_code', 'implicit'] }, policy)).toEqual({ grant_types: ['authorization_code'] });
    expect(applied({ grant_types: ['implicit'] }, policy)).toEqual({ grant_types: [] });
    expect(applied({}, policy)).toEqual({});
    expect(applied({ scope: 'openid email phone' }, { scope: { subset_of: ['openid', 'email'] } })).toEqual({ scope: 'openid email' });
  });

  it('superset_of refuses a list lacking one of its values', () => {
    const policy = { grant_types: { superset_of: ['authorization_code'] } };
    expect(applied({ grant_types: ['authorization_code', 'refresh_token'] }, policy)).toEqual({ grant_types: ['authorization_code', 'refresh_token'] });
    expect(refused({ grant_types: ['refresh_token'] }, policy)).toContain('grant_types');
  });

  it('essential refuses an absent parameter; one subset_of emptied is present, so essential holds', () => {
    expect(refused({}, { redirect_uris: { essential: true } })).toContain('essential');
    expect(applied({ redirect_uris: ['https://evil/cb'] }, { redirect_uris: { subset_of: ['https://a/cb'], essential: true } })).toEqual({ redirect_uris: [] });
    expect(applied({}, { logo_uri: { essential: false } })).toEqual({});
  });

  it('list operators apply to lists, and to scope as its words; any other string is a policy error, never split', () => {
    expect(refused({ client_name: 'Comune di Roma' }, { client_name: { subset_of: ['Comune'] } })).toContain('client_name is not a list');
    expect(refused({ client_name: 'Comune di Roma' }, { client_name: { superset_of: ['Comune'] } })).toContain('not a list');
    expect(refused({ client_name: 'Comune di Roma' }, { client_name: { add: ['Roma'] } })).toContain('not a list');
    expect(refused({ grant_types: ['authorization_code'] }, { grant_types: { one_of: ['authorization_code'] } })).toContain('not a single value');
    expect(applied({ scope: 'openid email' }, { scope: { subset_of: ['profile'] } })).toEqual({ scope: '' });
  });

  it('unknown operators (and the reference fixtures’ extra entries) are tolerated and change nothing', () => {
    expect(applied({ client_name: 'x' }, { client_name: { regexp: '^x$', crit: true } })).toEqual({ client_name: 'x' });
    expect(checkPolicy({ client_name: { regexp: '^x$' } }).ok).toBe(true);
  });

  it('a policy that is not an object of objects, or a list operator that is not a list, is refused', () => {
    expect(checkPolicy('nope').ok).toBe(false);
    expect(checkPolicy({ redirect_uris: 'x' }).ok).toBe(false);
    expect(checkPolicy({ grant_types: { subset_of: 'authorization_code' } }).ok).toBe(false);
    expect(checkPolicy({ grant_types: { essential: 'yes' } }).ok).toBe(false);
  });

  it('operators of one statement that contradict each other are refused as received, not only once two statements meet (§6.1.3.2)', () => {
    expect(checkPolicy({ grant_types: { add: ['implicit'], subset_of: ['authorization_code'] } }).ok).toBe(false);
    expect(checkPolicy({ a: { value: 'y', one_of: ['x'] } }).ok).toBe(false);
    expect(checkPolicy({ a: { superset_of: ['x', 'y'], subset_of: ['x'] } }).ok).toBe(false);
    expect(checkPolicy({ a: { one_of: ['x'], subset_of: ['x'] } }).ok).toBe(false);
    expect(checkPolicy({ a: { value: null, essential: true } }).ok).toBe(false);
    expect(checkPolicy({ a: { default: ['z'], subset_of: ['x'] } }).ok).toBe(false);
    // The reference Trust Anchor's default policy for relying parties stays acceptable.
    expect(
      checkPolicy({
        grant_types: { subset_of: ['authorization_code', 'refresh_token'] },
        scope: { superset_of: ['openid'], subset_of: ['openid', 'offline_access'] },
      }).ok,
    ).toBe(true);
  });
});

describe('metadata policies combined from the Trust Anchor down (OpenID Federation 1.0 §6.1.3)', () => {
  it('subset_of intersects, superset_of and add unite, essential stays true once a superior says so', () => {
    expect(
      combined(
        { scope: { subset_of: ['openid', 'profile', 'email'], superset_of: ['openid'], essential: true }, contacts: { add: ['ta@x'] } },
        { scope: { subset_of: ['openid', 'profile'], superset_of: ['profile'], essential: false }, contacts: { add: ['ia@x'] } },
      ),
    ).toEqual({
      scope: { subset_of: ['openid', 'profile'], superset_of: ['openid', 'profile'], essential: true },
      contacts: { add: ['ta@x', 'ia@x'] },
    });
  });

  it('one_of intersects and must leave a value', () => {
    expect(combined({ a: { one_of: ['x', 'y'] } }, { a: { one_of: ['y', 'z'] } })).toEqual({ a: { one_of: ['y'] } });
    expect(combinePolicies({ a: { one_of: ['x'] } }, { a: { one_of: ['z'] } }).ok).toBe(false);
  });

  it('value and default must agree between superiors', () => {
    expect(combined({ a: { value: 'x' } }, { a: { value: 'x' } })).toEqual({ a: { value: 'x' } });
    expect(combinePolicies({ a: { value: 'x' } }, { a: { value: 'y' } }).ok).toBe(false);
    expect(combinePolicies({ a: { default: 'x' } }, { a: { default: 'y' } }).ok).toBe(false);
  });

  it('operators that contradict each other once merged are a conflict: value outside one_of, add outside subset_of, superset_of outside subset_of', () => {
    expect(combinePolicies({ a: { one_of: ['x'] } }, { a: { value: 'y' } }).ok).toBe(false);
    expect(combinePolicies({ a: { subset_of: ['x'] } }, { a: { add: ['y'] } }).ok).toBe(false);
    expect(combinePolicies({ a: { subset_of: ['x'] } }, { a: { superset_of: ['x', 'y'] } }).ok).toBe(false);
  });

  it('parameters only one side constrains are kept as they are', () => {
    expect(combined({ a: { value: 1 } }, { b: { default: 2 } })).toEqual({ a: { value: 1 }, b: { default: 2 } });
  });

  it('combined, then applied: the Trust Anchor adds a redirect URI, the intermediate narrows grant types', () => {
    const policy = combined(
      { redirect_uris: { add: ['https://rp/extra'] }, grant_types: { subset_of: ['authorization_code', 'refresh_token'] } },
      { grant_types: { subset_of: ['authorization_code'] } },
    );
    expect(applied({ redirect_uris: ['https://rp/cb'], grant_types: ['authorization_code', 'refresh_token'] }, policy)).toEqual({
      redirect_uris: ['https://rp/cb', 'https://rp/extra'],
      grant_types: ['authorization_code'],
    });
  });
});

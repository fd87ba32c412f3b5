import { describe, expect, it } from 'vitest';
import { oauthParameters } from '../../../functions/oidc/form';

describe('OAuth parameters (RFC 6749 §3.1, §3.2)', () => {
  it('a parameter sent without a value is treated as omitted', () => {
    const params = oauthParameters(new URLSearchParams('client_id=&response_type=code&scope='));
    expect(params.has('client_id')).toBe(false);
    expect(params.has('scope')).toBe(false);
    expect(params.get('response_type')).toBe('code');
  });

  it('a parameter sent twice with values is refused', () => {
    expect(() => oauthParameters(new URLSearchParams('scope=openid&scope=openid'))).toThrow(/repeated/);
  });
});

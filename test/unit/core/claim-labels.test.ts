import { describe, expect, it } from 'vitest';
import { consentLabels } from '../../../functions/core/claim-labels';
import { FISCAL_NUMBER, requestedClaims } from '../../../functions/core/oidc-claims';

const none = { id_token: [], userinfo: [] };

describe('R-LOG-7 consent: attribute names in Italian', () => {
  it("names the profile attributes (the guides' default list)", () => {
    expect(consentLabels(['openid', 'profile'], none)).toEqual(['Nome', 'Cognome', 'Data di nascita', 'Codice fiscale']);
  });

  it('adds Email for the email scope and folds email_verified into it', () => {
    expect(consentLabels(['openid', 'profile', 'email'], { id_token: ['email_verified'], userinfo: [] })).toEqual([
      'Nome',
      'Cognome',
      'Data di nascita',
      'Codice fiscale',
      'Email',
    ]);
  });

  it('lists claims asked for one by one, in page order', () => {
    expect(consentLabels(['openid'], { id_token: ['phone_number'], userinfo: [FISCAL_NUMBER, 'given_name'] })).toEqual([
      'Nome',
      'Codice fiscale',
      'Numero di cellulare',
    ]);
    expect(consentLabels(['openid'], { id_token: ['document_details'], userinfo: ['phone_number_verified'] })).toEqual([
      'Numero di cellulare',
      'Dati del documento',
    ]);
  });

  it('names exactly what the provider releases, the same from scope or from the release set', () => {
    const release = requestedClaims(['openid', 'profile', 'email'], { id_token: [], userinfo: ['phone_number'] });
    expect(consentLabels([], release)).toEqual(consentLabels(['openid', 'profile', 'email'], { id_token: [], userinfo: ['phone_number'] }));
  });

  it('lists nothing when no attribute is asked for', () => {
    expect(consentLabels(['openid', 'offline_access'], none)).toEqual([]);
  });
});

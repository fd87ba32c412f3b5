import { describe, expect, it } from 'vitest';
import { FISCAL_NUMBER_CLAIM, consentLabels } from '../../functions/core/claim-labels';

const none = { id_token: [], userinfo: [] };

describe('R-LOG-7 consent: attribute names in Italian', () => {
  it('names the profile attributes', () => {
    expect(consentLabels(['openid', 'profile'], none)).toEqual(['Nome', 'Cognome', 'Data di nascita', 'Codice fiscale']);
  });

  it('adds Email for the email scope and folds email_verified into it', () => {
    expect(consentLabels(['openid', 'profile', 'email'], { id_token: ['email_verified'], userinfo: [] })).toEqual([
      'Nome', 'Cognome', 'Data di nascita', 'Codice fiscale', 'Email',
    ]);
  });

  it('lists claims asked for one by one, in page order', () => {
    expect(
      consentLabels(['openid'], { id_token: ['phone_number'], userinfo: [FISCAL_NUMBER_CLAIM, 'given_name'] }),
    ).toEqual(['Nome', 'Codice fiscale', 'Numero di cellulare']);
  });

  it('shows the default set when no attribute is asked for', () => {
    expect(consentLabels(['openid', 'offline_access'], { id_token: ['acr'], userinfo: [] })).toEqual([
      'Nome', 'Cognome', 'Data di nascita', 'Codice fiscale',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { providerErrorPage, resultPage } from '../../../functions/demo/views';

describe('demo RP pages', () => {
  it('escape what the provider sends: claim values and error descriptions are text, never markup', async () => {
    const page = await resultPage(
      { sub: 'abc', given_name: '<img src=x onerror=alert(1)>', family_name: 'D\'Amico & "figli"' },
      'https://www.spid.gov.it/SpidL2',
      2,
    ).text();
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('D&#39;Amico &amp; &quot;figli&quot;');
    const error = await providerErrorPage('access_denied', '<script>x</script>').text();
    expect(error).not.toContain('<script>');
    expect(error).toContain('&lt;script&gt;');
  });

  it('name the attributes in Italian and leave the JWT envelope out of the table', async () => {
    const page = await resultPage({ iss: 'https://op', aud: 'rp', exp: 1, sub: 's', email_verified: true, birthdate: '1980-01-02' }, 'acr', 1).text();
    expect(page).toContain('<td>Email verificata</td><td><code>email_verified</code></td><td>sì</td>');
    expect(page).toContain('<td>Data di nascita</td>');
    expect(page).not.toContain('<code>iss</code>');
    expect(page).not.toContain('<code>exp</code>');
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SITE_CONTACTS, siteContacts } from '../../../functions/core/site-contacts';

describe('core/site-contacts: the help and privacy contacts the pages show (HELP_*, PRIVACY_*)', () => {
  it("unset, the guides' contacts: cie.cittadini@interno.it and 800 263 388 to block the card", () => {
    const c = siteContacts({});
    expect(c).toEqual(DEFAULT_SITE_CONTACTS);
    expect(c.helpEmail).toBe('cie.cittadini@interno.it');
    expect(c.cardBlockPhone).toEqual({ text: '800 263 388', href: 'tel:800263388' });
    expect(c.helpHours).toBeNull();
    expect(c.controller).toBe("Ministero dell'Interno");
    expect(c.privacyContact).toBeNull();
  });

  it('configured values are used, trimmed, with the spaces of a phone number kept for reading', () => {
    const c = siteContacts({
      HELP_EMAIL: '  Aiuto@Comune.Esempio.it ',
      HELP_PHONE: '+39 06 1234-5678',
      HELP_HOURS: ' dal lunedì al venerdì,\n 9-18 ',
      PRIVACY_CONTROLLER: "Comune di Sant'Angelo & C.",
      PRIVACY_CONTACT: 'dpo@comune.esempio.it',
    });
    expect(c.helpEmail).toBe('aiuto@comune.esempio.it');
    expect(c.cardBlockPhone).toEqual({ text: '+39 06 1234-5678', href: 'tel:+390612345678' });
    expect(c.helpHours).toBe('dal lunedì al venerdì, 9-18');
    expect(c.controller).toBe("Comune di Sant'Angelo & C.");
    expect(c.privacyContact).toBe('dpo@comune.esempio.it');
  });

  it('a malformed email or phone number shows nothing rather than something made up or injected', () => {
    const c = siteContacts({
      HELP_EMAIL: '"><script>alert(1)</script>@x.it',
      HELP_PHONE: 'javascript:alert(1)',
      PRIVACY_CONTACT: 'not an address',
    });
    expect(c.helpEmail).toBeNull();
    expect(c.cardBlockPhone).toBeNull();
    expect(c.privacyContact).toBeNull();
    for (const phone of ['12', '800 263 388; x', '+', '800  263\u0000388', '1'.repeat(30)]) {
      expect([phone, siteContacts({ HELP_PHONE: phone }).cardBlockPhone]).toEqual([phone, null]);
    }
  });

  it('an empty value turns a contact off; the controller, which the notice must name, falls back to the default', () => {
    const c = siteContacts({ HELP_EMAIL: '', HELP_PHONE: ' ', HELP_HOURS: '', PRIVACY_CONTROLLER: '  ', PRIVACY_CONTACT: '' });
    expect(c.helpEmail).toBeNull();
    expect(c.cardBlockPhone).toBeNull();
    expect(c.helpHours).toBeNull();
    expect(c.controller).toBe(DEFAULT_SITE_CONTACTS.controller);
    expect(c.privacyContact).toBeNull();
  });

  it('free text loses control characters and is refused when too long; markup is left for the template to escape', () => {
    expect(siteContacts({ HELP_HOURS: 'sempre\u0007 attivo' }).helpHours).toBe('sempre attivo');
    expect(siteContacts({ HELP_HOURS: 'x'.repeat(201) }).helpHours).toBeNull();
    expect(siteContacts({ PRIVACY_CONTROLLER: 'x'.repeat(201) }).controller).toBe(DEFAULT_SITE_CONTACTS.controller);
    // Escaping belongs to the `html` template, which every page uses: kept verbatim here.
    expect(siteContacts({ PRIVACY_CONTROLLER: '<b>Ente</b>' }).controller).toBe('<b>Ente</b>');
  });
});

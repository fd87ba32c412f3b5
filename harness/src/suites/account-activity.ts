import { expectEqual, expectHeader, expectIncludes, expectMatch, expectStatus, expectTrue } from '../core/assert.ts';
import { defineCheck, type Check } from '../core/check.ts';
import { VirtualApp } from '../actors/app.ts';
import { enterArea } from '../actors/area.ts';
import { Citizen } from '../actors/citizen.ts';
import { login } from '../actors/login.ts';
import { RelyingParty } from '../actors/relying-party.ts';

/**
 * R-ACC-5, R-APP-4, R-LOG-9: "Dispositivi" and "Elenco accessi" in the personal area, as a citizen uses them
 * — entered with CieID itself ("Accedi" runs a level 2 login in which the service is its own relying
 * party), then found on the pages by their words. Spread into the `account` suite.
 */
const suite = 'account';

export const accountActivityChecks: Check[] = [
  defineCheck({
    id: 'R-ACC-5.devices',
    suite,
    covers: ['R-ACC-5', 'R-APP-4'],
    title: 'Dispositivi: the certified device listed with its name and status; "Revoca" asks, then revokes it at once (its App session refused)',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const app = await VirtualApp.certify(citizen, { name: 'Telefono del controllo' });
      const { browser, home } = await enterArea(citizen);
      const devices = await browser.open(home.link('Dispositivi'));
      expectEqual(devices.status, 200, 'the status of Dispositivi');
      expectEqual(devices.heading, 'Dispositivi', 'the devices page heading');
      expectIncludes(devices.text, 'Telefono del controllo', 'the devices page');
      expectIncludes(devices.text, 'Certificato', 'the devices page');
      expectMatch(devices.text, /Ultimo utilizzo\s*Mai utilizzato/, 'the last use of a device that never authorised anything');
      const confirm = await browser.open(devices.link('Revoca Telefono del controllo'));
      expectEqual(confirm.heading, 'Revoca dispositivo', 'the confirmation heading');
      expectStatus(await app.call('GET', '/app/approvals'), 200);
      const done = await browser.submit(confirm, 'Revoca dispositivo');
      expectEqual(done.status, 200, 'the status of the page after the revocation');
      expectIncludes(done.text, 'Il dispositivo «Telefono del controllo» è stato revocato', 'the page after the revocation');
      expectIncludes(done.text, 'Revocato il', 'the revoked device');
      expectStatus(await app.call('GET', '/app/approvals'), 401);
    },
  }),
  defineCheck({
    id: 'R-LOG-9.area',
    suite,
    covers: ['R-LOG-9', 'R-ACC-5'],
    title: 'Elenco accessi: a login just made at a relying party is the newest line there, in Italian (service, Livello 2, method, Accesso consentito)',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const rp = await RelyingParty.create(ctx, { clientName: `Servizio di controllo ${Math.random().toString(36).slice(2, 8)}` });
      await login(rp, citizen);
      const { browser, home } = await enterArea(citizen);
      const log = await browser.open(home.link('Elenco accessi'));
      expectEqual(log.status, 200, 'the status of Elenco accessi');
      expectEqual(log.heading, 'Elenco accessi', 'the access log heading');
      const items = log.listItems().filter((l) => /\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/.test(l));
      const line = items.find((l) => l.includes(rp.options.clientName!));
      expectTrue(line, `no line of ${rp.options.clientName} in Elenco accessi: ${items.slice(0, 3).join(' | ')}`);
      expectIncludes(line, 'Accesso consentito', 'the login line');
      expectIncludes(line, 'Livello 2', 'the login line');
      expectIncludes(line, 'Password e SMS', 'the login line');
    },
  }),
  defineCheck({
    id: 'R-LOG-9.csv',
    suite,
    covers: ['R-LOG-9'],
    title: 'Scarica CSV: text/csv attachment; a service registered with a name starting with "=" is exported with a leading apostrophe',
    async run(ctx) {
      const citizen = await Citizen.withCredentials(ctx);
      const name = `=HYPERLINK("https://example.invalid","Controllo")`;
      const rp = await RelyingParty.create(ctx, { clientName: name });
      await login(rp, citizen);
      const { browser, home } = await enterArea(citizen);
      const log = await browser.open(home.link('Elenco accessi'));
      const csv = await browser.request('GET', log.link('Scarica CSV'));
      expectStatus(csv, 200);
      expectHeader(csv, 'Content-Type', /^text\/csv; charset=utf-8$/);
      expectHeader(csv, 'Content-Disposition', /^attachment; filename="[^"]+\.csv"$/);
      const records = csv.text.split('\r\n');
      expectEqual(records[0], 'Data e ora (Italia),Data e ora (UTC),Servizio,Livello,Metodo,Esito', 'the CSV header');
      expectIncludes(csv.text, `"'=HYPERLINK(""https://example.invalid"",""Controllo"")"`, 'the CSV (the hostile name escaped)');
      expectTrue(!/(^|,)"?=HYPERLINK/m.test(csv.text), 'a CSV cell starts with "=": a spreadsheet would run it');
    },
  }),
];

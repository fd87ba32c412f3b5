import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../src/actors/browser.ts';
import { Page } from '../src/actors/html-page.ts';
import { CheckFailure } from '../src/core/check.ts';
import { createHttpClient } from '../src/core/http-client.ts';
import { startFakeServer, type FakeServer } from './support/fake-server.ts';

const PAGE_URL = 'http://127.0.0.1:8787/attivazione/passo?flow=f1';
const page = (html: string, url = PAGE_URL, status = 200, headers: Record<string, string> = {}) =>
  new Page(new URL(url), status, new Headers({ 'content-type': 'text/html', ...headers }), html);

/** Roughly the shape of the service's activation step: a cancel form and the step's form. */
const STEP = `<!doctype html>
<html lang="it"><head><title>Attivazione – CieID</title></head>
<body>
<header><a href="/">CieID</a> <h2>Menu</h2></header>
<main>
  <ol class="steps"><li>Identificazione</li><li aria-current="step">Codice SMS</li></ol>
  <h1>  Inserisci il
     codice   </h1>
  <div class="alert alert-danger" role="alert"><p>Il codice   non è
    corretto.</p></div>
  <p role="status">Ti abbiamo inviato un nuovo codice</p>
  <form action="annulla" method="post">
    <input type="hidden" name="csrf" value="tok-1">
    <button type="submit" class="btn">Annulla</button>
  </form>
  <form action="/attivazione/otp" method="POST">
    <input type="hidden" name="csrf" value="tok-2">
    <input type="hidden" name="flow" value="f1">
    <div class="form-group">
      <label for="otp">Codice ricevuto via SMS</label>
      <input type="text" id="otp" name="otp" inputmode="numeric" value="">
    </div>
    <h3>Come vuoi ricevere i codici?</h3>
    <input type="radio" id="m-sms" name="mode" value="sms" checked><label for="m-sms">SMS</label>
    <input type="radio" id="m-app" name="mode" value="app"><label for="m-app">App CieID</label>
    <label><input type="checkbox" name="privacy" value="si"> Ho letto l'informativa</label>
    <label class="toggle">Ricordami <input type="checkbox" name="remember" checked></label>
    <input type="text" name="unlabelled" value="x">
    <input type="text" value="no name">
    <button type="submit" name="action" value="verify">
      <span class="icon"></span>
      Prosegui
    </button>
    <button type="submit" name="action" value="resend" formaction="/attivazione/otp/nuovo" formmethod="get">Invia un nuovo codice</button>
  </form>
  <ul><li>Nome</li><li> Codice
     fiscale</li></ul>
  <a href="aiuto">Serve aiuto?</a>
  <a href="https://www.cartaidentita.interno.gov.it/">  Sito
   CIE </a>
  <a>no href</a>
</main>
</body></html>`;

describe('Page: reading what a person reads', () => {
  const p = page(STEP);

  it('the title, the first heading and every heading, with white space squashed', () => {
    expect(p.title).toBe('Attivazione – CieID');
    expect(p.heading).toBe('Inserisci il codice');
    expect(p.headings).toEqual(['Menu', 'Inserisci il codice', 'Come vuoi ricevere i codici?']);
  });

  it('alerts by role=alert, notices by role=status, the current step', () => {
    expect(p.alerts).toEqual(['Il codice non è corretto.']);
    expect(p.alert).toBe('Il codice non è corretto.');
    expect(p.notices).toEqual(['Ti abbiamo inviato un nuovo codice']);
    expect(p.currentStep).toBe('Codice SMS');
  });

  it('no alert, no step: empty list and null', () => {
    const plain = page('<main><h1>Fatto</h1><div class="alert">not an alert without its role</div></main>');
    expect(plain.alerts).toEqual([]);
    expect(plain.alert).toBeNull();
    expect(plain.currentStep).toBeNull();
    expect(plain.headings).toEqual(['Fatto']);
  });

  it('links by their text, resolved against the page URL; anchors without href are not links', () => {
    expect(p.links.map((l) => [l.text, l.href.href])).toEqual([
      ['CieID', 'http://127.0.0.1:8787/'],
      ['Serve aiuto?', 'http://127.0.0.1:8787/attivazione/aiuto'],
      ['Sito CIE', 'https://www.cartaidentita.interno.gov.it/'],
    ]);
    expect(p.link('Serve aiuto?').pathname).toBe('/attivazione/aiuto');
  });

  it('a missing link is a CheckFailure naming the page and the links it has', () => {
    expect(() => p.link('Esci')).toThrow(CheckFailure);
    expect(() => p.link('Esci')).toThrow(
      'no link "Esci" on 200 /attivazione/passo "Inserisci il codice" [alert: Il codice non è corretto.]; links: "CieID", "Serve aiuto?", "Sito CIE"',
    );
  });

  it("the text and the items of the bulleted lists of <main> (not the stepper's <ol>)", () => {
    expect(p.listItems()).toEqual(['Nome', 'Codice fiscale']);
    expect(p.text).toContain('Inserisci il codice Il codice non è corretto.');
    expect(p.text).not.toContain('Menu');
  });

  it('describe() names status, path, heading (or title) and the first alert', () => {
    expect(p.describe()).toBe('200 /attivazione/passo "Inserisci il codice" [alert: Il codice non è corretto.]');
    expect(page('<title>Solo titolo</title>', 'http://127.0.0.1:8787/x', 404).describe()).toBe('404 /x "Solo titolo"');
  });

  it('location: a redirect answer resolved against the page, nothing otherwise', () => {
    expect(page('', PAGE_URL, 303, { location: '../login?e=1' }).location?.href).toBe('http://127.0.0.1:8787/login?e=1');
    expect(page('', PAGE_URL, 302, { location: 'https://rp.example.it/cb?code=c' }).location?.href).toBe('https://rp.example.it/cb?code=c');
    expect(page('', PAGE_URL, 200, { location: '/ignored' }).location).toBeNull();
    expect(page('', PAGE_URL, 303).location).toBeNull();
  });
});

describe('Page: forms', () => {
  const p = page(STEP);

  it('finds a form by the text of its submit button', () => {
    const cancel = p.formOf('Annulla');
    expect(cancel.action).toBe('annulla');
    expect(cancel.method).toBe('post');
    expect(cancel.fields.map((f) => [f.name, f.value])).toEqual([['csrf', 'tok-1']]);

    const step = p.formOf('Prosegui');
    expect(step.action).toBe('/attivazione/otp');
    expect(step.method).toBe('post');
    expect(step.buttons).toEqual([
      { text: 'Prosegui', name: 'action', value: 'verify', formaction: null, formmethod: null },
      { text: 'Invia un nuovo codice', name: 'action', value: 'resend', formaction: '/attivazione/otp/nuovo', formmethod: 'get' },
    ]);
    expect(p.formOf('Invia un nuovo codice')).toEqual(step);
    expect(p.buttons()).toEqual(['Annulla', 'Prosegui', 'Invia un nuovo codice']);
    expect(p.hasButton('Prosegui')).toBe(true);
    expect(p.hasButton('prosegui')).toBe(false);
  });

  it('a missing button is a CheckFailure listing the buttons there are', () => {
    expect(() => p.formOf('Conferma')).toThrow(CheckFailure);
    expect(() => p.formOf('Conferma')).toThrow(
      'no button "Conferma" on 200 /attivazione/passo "Inserisci il codice" [alert: Il codice non è corretto.]; buttons: "Annulla", "Prosegui", "Invia un nuovo codice"',
    );
    expect(() => page('<p>nulla</p>').formOf('Ok')).toThrow('buttons: none');
  });

  it('an <input type="submit"> is a button too, known by its value, in document order', () => {
    const f = page(`<form method=post action=dati><input type=hidden name=csrf value=t>
      <button name=op value=back>Indietro</button>
      <INPUT TYPE=SUBMIT NAME=op VALUE="Conferma  i dati" formaction=/conferma>
      <input type=text name=n></form>`);
    const form = f.formOf('Conferma i dati');
    expect(form.action).toBe('dati');
    expect(form.buttons).toEqual([
      { text: 'Indietro', name: 'op', value: 'back', formaction: null, formmethod: null },
      { text: 'Conferma i dati', name: 'op', value: 'Conferma  i dati', formaction: '/conferma', formmethod: null },
    ]);
    expect(form.fields.map((x) => x.name)).toEqual(['csrf', 'n']);
  });

  it('reads every named field, in order, with its type, value, state and label', () => {
    expect(p.formOf('Prosegui').fields).toEqual([
      { name: 'csrf', type: 'hidden', value: 'tok-2', checked: false, label: null },
      { name: 'flow', type: 'hidden', value: 'f1', checked: false, label: null },
      { name: 'otp', type: 'text', value: '', checked: false, label: 'Codice ricevuto via SMS' },
      { name: 'mode', type: 'radio', value: 'sms', checked: true, label: 'SMS' },
      { name: 'mode', type: 'radio', value: 'app', checked: false, label: 'App CieID' },
      { name: 'privacy', type: 'checkbox', value: 'si', checked: false, label: "Ho letto l'informativa" },
      { name: 'remember', type: 'checkbox', value: 'on', checked: true, label: 'Ricordami' },
      { name: 'unlabelled', type: 'text', value: 'x', checked: false, label: null },
    ]);
  });

  it('finds a field by its <label for> text and by the label wrapping it', () => {
    expect(p.field('Codice ricevuto via SMS').name).toBe('otp');
    expect(p.field("Ho letto l'informativa")).toMatchObject({ name: 'privacy', type: 'checkbox' });
    expect(p.field('Ricordami').name).toBe('remember');
    expect(p.hasField('SMS')).toBe(true);
    expect(p.hasField('Codice')).toBe(false);
    expect(p.labels()).toEqual(['Codice ricevuto via SMS', 'SMS', 'App CieID', "Ho letto l'informativa", 'Ricordami']);
    expect(() => p.field('Codice')).toThrow(CheckFailure);
    expect(() => p.field('Codice')).toThrow('labels: "Codice ricevuto via SMS", "SMS", "App CieID", "Ho letto l\'informativa", "Ricordami"');
  });

  it('a <label for> names its field even outside the form, and wins over a wrapping label', () => {
    const f = page(`<label for="cf">Codice fiscale</label>
      <form><label>Altro <input id="cf" name="cf"></label><button>Ok</button></form>`);
    expect(f.formOf('Ok').fields).toEqual([{ name: 'cf', type: 'text', value: '', checked: false, label: 'Codice fiscale' }]);
  });

  it('a form without method is GET, without action has a null action (the page URL, when pressed)', () => {
    const f = page('<form><input name="q"><button>Cerca</button></form><form method="PoSt" action=""><button>Vai</button></form>');
    expect(f.formOf('Cerca')).toMatchObject({ action: null, method: 'get' });
    expect(f.formOf('Vai')).toMatchObject({ action: '', method: 'post' });
  });

  it('select (the selected option, or the first), textarea and other input types', () => {
    const f = page(`<form>
      <label for="s1">Provincia</label><select id="s1" name="prov"><option value="RM">Roma</option><option value="MI" selected>Milano</option></select>
      <label for="s2">Sesso</label><select id="s2" name="sex"><option>M</option><option>F</option></select>
      <label for="n">Note</label><textarea id="n" name="note">riga 1
riga 2</textarea>
      <label for="e">Email</label><input type="EMAIL" id="e" name="email" value="mario.rossi@example.it">
      <label for="p">Password</label><input type="password" id="p" name="pw">
      <input type="submit" name="s" value="x"><input type="reset" name="r"><input type="button" name="b"><input type="image" name="i">
      <button>Salva</button></form>`);
    expect(f.formOf('Salva').fields.map((x) => [x.label, x.type, x.name, x.value])).toEqual([
      ['Provincia', 'select', 'prov', 'MI'],
      ['Sesso', 'select', 'sex', 'M'],
      ['Note', 'textarea', 'note', 'riga 1\nriga 2'],
      ['Email', 'email', 'email', 'mario.rossi@example.it'],
      ['Password', 'password', 'pw', ''],
    ]);
  });

  it('several forms each keep their own fields and hidden values', () => {
    const f = page(`<form action="/a"><input type="hidden" name="csrf" value="A"><button>Uno</button></form>
      <form action="/b"><input type="hidden" name="csrf" value="B"><button>Due</button></form>`);
    expect(f.forms.map((x) => [x.action, x.fields.map((y) => y.value)])).toEqual([
      ['/a', ['A']],
      ['/b', ['B']],
    ]);
    expect(f.formOf('Due').fields[0]?.value).toBe('B');
  });
});

describe('Page: hostile or sloppy markup', () => {
  it('decodes entities in labels, button texts, values, headings and alerts', () => {
    const f = page(`<h1>Verifica l&#39;identit&agrave;</h1><p role="alert">Errore &lt;b&gt; &amp; &quot;altro&quot;</p>
      <form><label for="c">Codice d&#39;accesso &amp; PIN &egrave; &#x2014; tuo</label>
      <input id="c" name="c" value="a&amp;b&quot;c&#61;">
      <button>Avanti &raquo;</button></form>`);
    expect(f.heading).toBe("Verifica l'identità");
    expect(f.alert).toBe('Errore <b> & "altro"');
    expect(f.field("Codice d'accesso & PIN è — tuo").value).toBe('a&b"c=');
    expect(f.buttons()).toEqual(['Avanti »']);
  });

  it('reads upper-case and unquoted markup', () => {
    const f = page(
      '<FORM METHOD=POST ACTION=/go><LABEL FOR=u>Nome utente</LABEL><INPUT TYPE=TEXT ID=u NAME=user VALUE=mario><INPUT TYPE=HIDDEN NAME=csrf VALUE=t0k><BUTTON NAME=go VALUE=1>Entra</BUTTON></FORM>',
    );
    const form = f.formOf('Entra');
    expect(form).toMatchObject({ action: '/go', method: 'post' });
    expect(form.fields).toEqual([
      { name: 'user', type: 'text', value: 'mario', checked: false, label: 'Nome utente' },
      { name: 'csrf', type: 'hidden', value: 't0k', checked: false, label: null },
    ]);
    expect(form.buttons[0]).toMatchObject({ name: 'go', value: '1' });
  });

  it('copes with unclosed <p> and <li> (their end tags are optional)', () => {
    const f = page('<main><h1>Titolo</h1><p>uno<p>due<ul><li>a<li>b</ul><form><label for=x>Campo</label><input id=x name=x><button>Ok</button></form></main>');
    expect(f.listItems()).toEqual(['a', 'b']);
    expect(f.field('Campo').name).toBe('x');
    expect(f.buttons()).toEqual(['Ok']);
  });

  it('keeps a form left open: closed by the element around it, or by the end of the page', () => {
    const f = page(`<main><h1>Accedi<p>con le tue credenziali<form method=post action=entra>
      <label for=u>Nome utente</label><input id=u name=u><input type=hidden name=csrf value=t>
      <button>Entra</button></main><footer><form action=/esci><button>Esci</button></footer>
      <div><form><button>Ultimo</button>`);
    expect(f.buttons()).toEqual(['Entra', 'Esci', 'Ultimo']);
    const form = f.formOf('Entra');
    expect(form).toMatchObject({ action: 'entra', method: 'post' });
    expect(form.fields.map((x) => [x.name, x.value, x.label])).toEqual([
      ['u', '', 'Nome utente'],
      ['csrf', 't', null],
    ]);
    expect(f.formOf('Esci').action).toBe('/esci');
  });

  it('keeps a <select> whose </option> end tags are omitted (they are optional)', () => {
    const f = page(
      '<form><label for=p>Provincia</label><select id=p name=prov><option value=RM>Roma<option value=MI selected>Milano</select><button>Ok</button></form>',
    );
    expect(f.field('Provincia')).toEqual({ name: 'prov', type: 'select', value: 'MI', checked: false, label: 'Provincia' });
  });

  it('an option without a value attribute submits its own text, white space collapsed, even left open', () => {
    const f = page(`<form>
      <label for=a>Comune</label><select id=a name=a><option>
          Roma  Capitale
        </option><option>Milano</option></select>
      <label for=b>Provincia</label><select id=b name=b><option>Roma<option selected>Milano<option>Napoli</select>
      <label for=c>Regione</label><select id=c name=c><option>Lazio<option>Lombardia</select>
      <label for=d>Vuota</label><select id=d name=d></select>
      <button>Ok</button></form>`);
    expect(f.formOf('Ok').fields.map((x) => [x.label, x.value])).toEqual([
      ['Comune', 'Roma Capitale'],
      ['Provincia', 'Milano'],
      ['Regione', 'Lazio'],
      ['Vuota', ''],
    ]);
  });

  it('a link whose href is no URL is skipped, and the other links still read', () => {
    const f = page('<a href="http://exa mple.it/">Rotto</a><a href="https://[::1">Anche</a><a href="aiuto">Aiuto</a>');
    expect(f.links.map((l) => [l.text, l.href.href])).toEqual([['Aiuto', 'http://127.0.0.1:8787/attivazione/aiuto']]);
    expect(f.link('Aiuto').pathname).toBe('/attivazione/aiuto');
    expect(() => f.link('Rotto')).toThrow(CheckFailure);
  });

  it('sees no form in a comment or in a script', () => {
    const f = page(`<!-- <form><button>Commentato</button></form> -->
      <script>document.write('<form><button>Scritto</button></form><p role="alert">finto</p>')</script>
      <form><button>Vero</button></form>`);
    expect(f.buttons()).toEqual(['Vero']);
    expect(f.alerts).toEqual([]);
  });

  it('keeps the markup in an attribute as text', () => {
    const f = page('<form><input type="hidden" name="csrf" value="&lt;script&gt;x&lt;/script&gt;"><button>Ok</button></form>');
    expect(f.formOf('Ok').fields[0]?.value).toBe('<script>x</script>');
  });

  it('an empty or non-HTML body has nothing on it', () => {
    for (const body of ['', '{"error":"invalid_request"}', 'just text']) {
      const f = page(body);
      expect(f.forms).toEqual([]);
      expect(f.links).toEqual([]);
      expect(f.heading).toBe('');
      expect(f.alert).toBeNull();
    }
  });
});

describe('Browser.submit: where a form goes and what it sends', () => {
  let server: FakeServer;
  const pages: Record<string, string> = {};

  beforeAll(async () => {
    server = await startFakeServer((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path] ?? '<h1>ricevuto</h1>');
    });
  });
  afterAll(() => server.close());

  const browser = () => new Browser({ baseUrl: server.baseUrl, registryToken: 'unused', http: createHttpClient(), log: () => {} });
  const lastRequest = () => server.received.at(-1)!;

  it('a relative action resolves against the page URL; hidden fields go as they are, the others by label', async () => {
    pages['/attivazione/passo'] = STEP;
    const b = browser();
    const step = await b.open('/attivazione/passo?flow=f1');
    await b.submit(step, 'Annulla');
    expect(lastRequest()).toMatchObject({ method: 'POST', url: '/attivazione/annulla', body: 'csrf=tok-1' });
    expect(lastRequest().headers.origin).toBe(server.baseUrl.origin);

    await b.submit(step, 'Prosegui', { 'Codice ricevuto via SMS': '123456', 'App CieID': true, "Ho letto l'informativa": true, Ricordami: false });
    expect(lastRequest().method).toBe('POST');
    expect(lastRequest().url).toBe('/attivazione/otp');
    expect(lastRequest().headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(lastRequest().body).toBe('csrf=tok-2&flow=f1&otp=123456&mode=app&privacy=si&unlabelled=x&action=verify');
  });

  it("a button's formaction and formmethod win over the form's; a GET form puts its fields in the query", async () => {
    pages['/attivazione/passo'] = STEP;
    const b = browser();
    const step = await b.open('/attivazione/passo?flow=f1');
    await b.submit(step, 'Invia un nuovo codice');
    expect(lastRequest()).toMatchObject({
      method: 'GET',
      url: '/attivazione/otp/nuovo?csrf=tok-2&flow=f1&otp=&mode=sms&remember=on&unlabelled=x&action=resend',
      body: '',
    });
  });

  it('pressing an <input type="submit"> sends its name and value, to its formaction', async () => {
    pages['/dati'] =
      '<form method=post action=dati><input type=hidden name=csrf value=t><input type=submit name=op value="Conferma" formaction="conferma?x=1"></form>';
    const b = browser();
    await b.submit(await b.open('/dati'), 'Conferma');
    expect(lastRequest()).toMatchObject({ method: 'POST', url: '/conferma?x=1', body: 'csrf=t&op=Conferma' });
  });

  it('a form without action goes back to the page URL, its query replaced for GET and kept for POST', async () => {
    pages['/cerca'] =
      '<form><label for=q>Cerca</label><input id=q name=q><button>Cerca ora</button></form><form method=post><input type=hidden name=csrf value=c><button>Invia</button></form>';
    const b = browser();
    const search = await b.open('/cerca?old=1#frag');
    await b.submit(search, 'Cerca ora', { Cerca: 'a b&c' });
    expect(lastRequest()).toMatchObject({ method: 'GET', url: '/cerca?q=a+b%26c' });
    await b.submit(search, 'Invia');
    expect(lastRequest()).toMatchObject({ method: 'POST', url: '/cerca?old=1', body: 'csrf=c' });
  });

  it('raw values forge or drop a field after the form is filled', async () => {
    pages['/passo'] =
      '<form method=post action=avanti><input type=hidden name=csrf value=good><label for=n>Nome</label><input id=n name=n><button>Avanti</button></form>';
    const b = browser();
    const p = await b.open('/passo');
    await b.submit(p, 'Avanti', { Nome: 'Mario' }, { raw: { csrf: 'forged', extra: '1' } });
    expect(lastRequest()).toMatchObject({ url: '/avanti', body: 'csrf=forged&n=Mario&extra=1' });
    await b.submit(p, 'Avanti', { Nome: 'Mario' }, { raw: { csrf: null } });
    expect(lastRequest().body).toBe('n=Mario');
  });

  it('a label the form does not have is a CheckFailure naming the ones it has', async () => {
    pages['/passo'] = '<form method=post><label for=n>Nome</label><input id=n name=n><button>Avanti</button></form>';
    const b = browser();
    const p = await b.open('/passo');
    const count = server.received.length;
    await expect(b.submit(p, 'Avanti', { Cognome: 'Rossi' })).rejects.toThrow(
      'no field labelled "Cognome" in the form of "Avanti" on 200 /passo ""; labels: "Nome"',
    );
    expect(server.received.length).toBe(count);
  });
});

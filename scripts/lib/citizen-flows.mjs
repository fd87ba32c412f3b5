import { HttpBrowser } from './http-browser.mjs';

/**
 * What a citizen and the issuer do over HTTP against a running service, for Node tools: issue a
 * card (registry API), activate credentials (/attivazione), and log in to a relying party through
 * /oidc/authorize and the login pages. SMS codes are read from the development outbox.
 */
export const PASSWORD = 'Girasole#2024x';
export const GDPR =
  "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)";

export async function issueCard(baseUrl, registryToken, citizen) {
  const res = await fetch(`${baseUrl}/registry/cards`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(citizen),
  });
  if (res.status !== 201) throw new Error(`registry refused the card: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function outbox(baseUrl, to) {
  const res = await fetch(`${baseUrl}/__test/outbox?to=${encodeURIComponent(to)}`);
  if (!res.ok) throw new Error(`outbox: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The newest code sent to `to` once there are more than `notBefore` messages (sending may lag the page). */
export async function latestCode(baseUrl, to, notBefore = 0, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await outbox(baseUrl, to);
    if (messages.length > notBefore && messages[0]?.code) return messages[0].code;
    if (Date.now() > deadline) throw new Error(`no new code in the outbox of ${to} (had ${messages.length})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function expect(page, heading) {
  if (page.heading !== heading) {
    throw new Error(`expected "${heading}", got ${page.status} "${page.heading}" at ${page.url}: ${page.alert ?? page.html.slice(0, 300)}`);
  }
  return page;
}

/** The PUK digits the page asks for, read from its labels ("2° cifra del PUK"). */
function pukDigits(page, puk) {
  const values = {};
  for (const field of page.form('Continua').fields) {
    const position = /^(\d)° cifra del PUK$/.exec(field.label ?? '')?.[1];
    if (position) values[field.name] = puk[Number(position) - 1];
  }
  return values;
}

/** Steps 1.1 → 4 of R-ACT with SMS as the level 2 mode and no email. */
export async function activate(baseUrl, { citizen, card }, password = PASSWORD) {
  const browser = new HttpBrowser(baseUrl);
  let page = expect(await browser.open('/attivazione'), '1.1 Inserisci i dati della tua CIE');
  page = expect(await browser.submit(page, 'Continua', { fiscalCode: citizen.fiscalCode, serial: card.serial }), '1.2 Inserisci codice PUK');
  page = expect(await browser.submit(page, 'Continua', pukDigits(page, card.puk)), '2.1 Verifica Numero Cellulare');
  const sent = (await outbox(baseUrl, citizen.phone)).length;
  page = expect(await browser.submit(page, 'Continua'), '2.1 Verifica Numero Cellulare');
  page = expect(await browser.submit(page, 'Continua', { otp: await latestCode(baseUrl, citizen.phone, sent) }), '2.2 Verifica Indirizzo E-mail');
  page = expect(await browser.submit(page, 'Non adesso'), '2.3 Crea Credenziali');
  page = expect(await browser.submit(page, 'Continua', { password, passwordConfirm: password, [GDPR]: true }), 'Scegli come autorizzare i tuoi accessi online');
  expect(await browser.submit(page, 'Scegli SMS'), 'Credenziali attivate');
  return { citizen, card, password };
}

/**
 * From the RP's authorization URL to the OP's redirect back (302 to the redirect_uri): password,
 * the SMS code when the page asks for one, consent. `mark(step)` is called as each step ends, for
 * timing. Returns the redirect's URL.
 */
export async function loginToRp(baseUrl, authorizationUrl, { username, password, phone }, mark = () => {}) {
  const browser = new HttpBrowser(baseUrl);
  let page = await browser.open(authorizationUrl);
  if (!page.html.includes('name="password"'))
    throw new Error(`no login page from ${authorizationUrl}: ${page.status} ${page.alert ?? page.html.slice(0, 300)}`);
  mark('authorize');
  const sent = phone ? (await outbox(baseUrl, phone)).length : 0;
  mark('outbox');
  page = await browser.submit(page, 'Procedi', { username, password });
  mark('password');
  if (page.html.includes('name="otp"')) {
    const code = await latestCode(baseUrl, phone, sent);
    mark('outbox');
    page = await browser.submit(page, 'Prosegui', { otp: code });
    mark('otp');
  }
  const answer = await browser.submit(page, 'Prosegui');
  const location = answer.headers.get('Location');
  if (answer.status !== 302 || !location) throw new Error(`consent did not redirect to the RP: ${answer.status} ${answer.alert ?? answer.html.slice(0, 300)}`);
  mark('consent');
  return new URL(location);
}

// `npm run seed`: issues a few demo citizens through the registry API of a running service
// (`npm start`) and prints what their receipt and letter would say. Nothing here bypasses the API.
//   SEED_BASE_URL  default http://127.0.0.1:$PORT (8787)
//   REGISTRY_TOKEN default: the one the running `npm start` wrote into .dev.vars.run
import { birthDateForAge, citizen as computeCitizen } from './lib/citizens.mjs';
import { runningToken } from './lib/dev-server.mjs';

const base = process.env.SEED_BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;

const token = process.env.REGISTRY_TOKEN || runningToken();
if (!token) {
  console.error('No REGISTRY_TOKEN: set it, or start the service with `npm start` first.');
  process.exit(2);
}

const citizen = (givenName, familyName, gender, years, phone, email) =>
  computeCitizen({ givenName, familyName, gender, birthDate: birthDateForAge(years), phone, email });

// Phone numbers are drawn per run: one number belongs to one identity (R-CARD-5), and a re-run of
// the seed issues renewal cards (R-CARD-7) for the same codici fiscali.
const tail = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
const demo = [
  { who: 'Adulto', data: citizen('Mario', 'Rossi', 'M', 45, `+3934${tail()}`, 'mario.rossi@example.it'), chip: true },
  { who: 'Minore 5–18 anni', data: citizen('Giulia', 'Bianchi', 'F', 12, `+3935${tail()}`) },
  { who: 'Minore sotto i 5 anni', data: citizen('Luca', 'Verdi', 'M', 3, `+3936${tail()}`) },
  { who: 'Carta bloccata (smarrita)', data: citizen('Anna', 'Neri', 'F', 60, `+3937${tail()}`), block: 'lost' },
];

async function api(path, body) {
  const res = await fetch(`${base}/registry${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

try {
  for (const { who, data, block, chip } of demo) {
    const card = await api('/cards', data);
    if (block) await api(`/cards/${card.serial}/block`, { reason: block });
    console.log(`\n${who}${block ? ' — bloccata' : ''}
  Nome            ${data.givenName} ${data.familyName} (nato/a il ${data.birthDate})
  Codice fiscale  ${data.fiscalCode}
  Numero di serie ${card.serial}   scadenza ${card.expiresAt}
  Cellulare       ${data.phone}${data.email ? `\n  Email           ${data.email}` : ''}
  Ricevuta        PIN ${card.receipt.pinFirstHalf}····   PUK ${card.receipt.pukFirstHalf}····
  Lettera         PIN ····${card.letter.pinSecondHalf}   PUK ····${card.letter.pukSecondHalf}`);
    // Level 3: what the chip holds — the key the registry drew for it (given once, kept nowhere) and
    // the certificate the card CA signed; a virtual card loads both, with PIN and PUK.
    if (chip && card.cardKey && card.certificate) {
      console.log(`  Chiave carta    ${JSON.stringify(card.cardKey)}
  Certificato
${card.certificate.trim().replace(/^/gm, '    ')}`);
    }
  }
  console.log(`\nAttiva le credenziali su ${base}/attivazione — gli SMS arrivano in ${base}/__test/outbox?to=<cellulare>\n`);
} catch (err) {
  console.error(`Seed failed against ${base}: ${err.message}`);
  process.exit(1);
}

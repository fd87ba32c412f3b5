import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { QR_TTL_MS } from '../core/app-approvals';
import { LOGIN_IDLE_MS } from '../core/oidc-lifetimes';
import { OTP_TTL_MS } from '../core/otp';
import { issuerOf } from '../oidc/issuer';
import { siteContacts } from '../core/site-contacts';
import { html } from '../platform/html';
import { emailLink, legalPage, minutes } from './common';

/** When the statement below was last reviewed against the pages (AgID asks for the date). */
const REVIEWED = '1° dicembre 2026';

/**
 * GET /accessibilita — the accessibility statement, in the sections of AgID's model (legge 4/2004).
 * It says "parzialmente conforme" and names what is not accessible: a statement that claims more than
 * the pages do would mislead the very people it is for.
 */
export function accessibilityPage(request: IRequest, env: Env): Response {
  const { controller, helpEmail } = siteContacts(env);
  const site = issuerOf(env, request);
  return legalPage(
    'Dichiarazione di accessibilità',
    html`L'ente che gestisce questo sito, ${controller}, si impegna a renderlo accessibile, conformemente alla legge 9 gennaio 2004, n. 4.`,
    html`<p>Questa dichiarazione, prevista dal D.Lgs. 10 agosto 2018, n. 106, che recepisce la Direttiva (UE) 2016/2102, si applica al sito ${site}: attivazione delle credenziali CieID e accesso ai servizi online con «Entra con CIE».</p>

<h2 class="h4 mt-4">Stato di conformità</h2>
<p>Questo sito è <strong>parzialmente conforme</strong> ai requisiti previsti dall'allegato A alla norma UNI CEI EN 301549 (WCAG 2.1, livello AA), per i contenuti non accessibili elencati di seguito.</p>

<h2 class="h4 mt-4">Contenuti non accessibili</h2>
<ul>
  <li>Il codice QR per entrare con l'App CieID va inquadrato con il telefono e non ha un'alternativa testuale. Puoi accedere in alternativa con la notifica sull'App CieID oppure con il codice ricevuto via SMS.</li>
  <li>Per la sicurezza della tua identità i codici di verifica (OTP) valgono ${minutes(OTP_TTL_MS)} e il codice QR ${minutes(QR_TTL_MS)}: il limite di tempo non si può prolungare, ma puoi sempre chiedere un nuovo codice. Una richiesta di accesso scade dopo ${minutes(LOGIN_IDLE_MS)} di inattività; ogni nuovo codice fa ripartire il conteggio.</li>
</ul>

<h2 class="h4 mt-4">Redazione della dichiarazione</h2>
<p>La dichiarazione è stata redatta il ${REVIEWED} sulla base di un'autovalutazione, con verifiche automatiche delle pagine su computer e smartphone (axe-core) e prove automatiche della navigazione con la sola tastiera.</p>

<h2 class="h4 mt-4">Feedback e recapiti</h2>
<p>Per segnalare un problema di accessibilità o chiedere in un formato accessibile un contenuto che non lo è, ${helpEmail ? html`scrivi a ${emailLink(helpEmail)}` : html`usa i recapiti della pagina <a href="/assistenza">Assistenza</a>`}. Indica la pagina e il problema che hai incontrato.</p>

<h2 class="h4 mt-4">Procedura di attuazione</h2>
<p>In caso di risposta insoddisfacente o di mancata risposta entro trenta giorni dalla segnalazione, puoi rivolgerti al Difensore civico per il digitale istituito presso l'Agenzia per l'Italia Digitale (AgID), con le modalità indicate sul sito <a href="https://www.agid.gov.it">www.agid.gov.it</a>.</p>`,
  );
}

import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { ACCESS_LOG_MAX_EVENTS, ACCESS_LOG_RETENTION_YEARS } from '../core/access-log-retention';
import { ACTIVATION_IDLE_MS } from '../core/activation-steps';
import { LOGIN_IDLE_MS } from '../core/oidc-lifetimes';
import { OTP_TTL_MS } from '../core/otp';
import { siteContacts } from '../core/site-contacts';
import { html } from '../platform/html';
import { legalPage, privacyAddress, minutes } from './common';

/** "1.000": Italian groups thousands with a dot (ICU leaves four-digit numbers ungrouped). */
const count = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, '.');

/**
 * GET /privacy — the notice the activation's GDPR checkbox refers to (artt. 13 e 14 Reg. UE 2016/679),
 * also the federation's default policy_uri. The periods come from the code that enforces them, so the
 * notice cannot promise a retention the service does not keep.
 */
export function privacyPage(_request: IRequest, env: Env): Response {
  const contacts = siteContacts(env);
  const address = privacyAddress(contacts);
  return legalPage(
    'Informativa sul trattamento dei dati personali',
    html`Ai sensi degli artt. 13 e 14 del Regolamento (UE) 2016/679 (Regolamento generale sulla protezione dei dati, «GDPR»), questa pagina spiega come sono trattati i tuoi dati personali quando attivi e usi le credenziali CieID (livello 1 e 2) della tua Carta d'Identità Elettronica.`,
    html`<h2 class="h4 mt-4">Titolare del trattamento</h2>
<p>Il titolare del trattamento è l'ente che gestisce questo servizio: <strong>${contacts.controller}</strong>.</p>
<p>${contacts.privacyContact ? 'Per ogni questione sulla protezione dei tuoi dati personali, anche per contattare il responsabile della protezione dei dati (DPO), scrivi a ' : 'Per ogni questione sulla protezione dei tuoi dati personali scrivi a '}${address}.</p>

<h2 class="h4 mt-4">Finalità del trattamento</h2>
<ul>
  <li><strong>Rilascio e gestione dell'identità digitale CieID</strong>: attivazione delle credenziali con i dati della Carta e il PUK, verifica del numero di cellulare e dell'email, scelta della modalità di conferma degli accessi (App CieID o SMS), certificazione dei dispositivi con l'App CieID.</li>
  <li><strong>Autenticazione ai servizi online</strong> della Pubblica Amministrazione e degli altri soggetti che offrono «Entra con CIE», con l'invio al servizio dei soli dati che autorizzi.</li>
  <li><strong>Sicurezza</strong> del servizio e della tua identità: codici di verifica, limiti ai tentativi errati, registro degli accessi per ricostruire un accesso contestato.</li>
</ul>

<h2 class="h4 mt-4">Base giuridica</h2>
<p>Il trattamento è necessario per adempiere un obbligo legale al quale è soggetto il titolare e per eseguire un compito di interesse pubblico (art. 6, par. 1, lett. c) ed e), GDPR), previsti dalla normativa nazionale sulla Carta d'Identità Elettronica e sull'accesso ai servizi in rete, in particolare dall'art. 64 del Codice dell'amministrazione digitale (D.Lgs. 7 marzo 2005, n. 82).</p>
<p>I dati richiesti sono necessari: senza di essi non è possibile attivare né usare le credenziali.</p>

<h2 class="h4 mt-4">Dati trattati</h2>
<p>Ricevuti con la Carta (art. 14 GDPR), come li hai comunicati al Comune quando l'hai richiesta:</p>
<ul>
  <li>dati anagrafici della CIE: nome, cognome, data di nascita, codice fiscale;</li>
  <li>dati della Carta: numero di serie, date di rilascio e di scadenza, stato (attiva, bloccata, sostituita);</li>
  <li>numero di cellulare ed email;</li>
  <li>codici PIN e PUK, conservati cifrati.</li>
</ul>
<p>Forniti da te durante l'attivazione e l'uso (art. 13 GDPR):</p>
<ul>
  <li>l'email che verifichi e la modalità di conferma che scegli;</li>
  <li>la password, conservata solo in forma cifrata non reversibile (hash): nessuno può leggerla;</li>
  <li>i codici di verifica (OTP) ricevuti via SMS o email, conservati solo in forma cifrata (hash) fino alla scadenza;</li>
  <li>per l'App CieID, il nome del dispositivo e la sua chiave pubblica; il codice App CieID non è conservato.</li>
</ul>
<p>Prodotti dall'uso del servizio: il <strong>registro degli accessi</strong>, con data e ora, servizio, livello, modalità ed esito di ogni accesso, oltre ad attivazioni, blocchi della Carta, dispositivi e cambi di modalità.</p>

<h2 class="h4 mt-4">Destinatari dei dati</h2>
<p>I tuoi dati sono comunicati soltanto ai servizi online ai quali scegli di accedere, e solo quelli elencati nella pagina di consenso che ti viene mostrata prima dell'invio («I seguenti dati stanno per essere inviati a: …»). Se non prosegui, non viene inviato nulla.</p>
<p>I fornitori che gestiscono per conto del titolare l'infrastruttura del servizio e l'invio di SMS ed email trattano i dati come responsabili del trattamento (art. 28 GDPR), solo per queste attività. I dati non sono diffusi.</p>

<h2 class="h4 mt-4">Conservazione dei dati</h2>
<ul>
  <li>Registro degli accessi: ${ACCESS_LOG_RETENTION_YEARS * 12} mesi, e al massimo i ${count(ACCESS_LOG_MAX_EVENTS)} eventi più recenti per Carta; quelli più vecchi sono cancellati.</li>
  <li>Codici di verifica (OTP): ${minutes(OTP_TTL_MS)}; dopo l'uso non valgono più.</li>
  <li>Procedure in corso: un'attivazione scade dopo ${minutes(ACTIVATION_IDLE_MS)} di inattività, una richiesta di accesso dopo ${minutes(LOGIN_IDLE_MS)}; i dati inseriti sono cancellati alla scadenza o quando annulli.</li>
  <li>Credenziali: finché sono valide; una nuova attivazione sostituisce le precedenti, e sono cancellate quando la Carta è sostituita da una più recente.</li>
  <li>Dati della Carta: anche dopo il blocco, la scadenza o la sostituzione della Carta, perché il registro degli accessi vi fa riferimento.</li>
</ul>

<h2 class="h4 mt-4">I tuoi diritti</h2>
<p>Puoi chiedere al titolare in ogni momento:</p>
<ul>
  <li>l'accesso ai tuoi dati e una loro copia (art. 15 GDPR);</li>
  <li>la rettifica dei dati inesatti (art. 16): il numero di cellulare e i dati anagrafici si correggono presso il tuo Comune (vedi <a href="/assistenza#comune">Assistenza</a>);</li>
  <li>la cancellazione (art. 17), per i dati non più necessari a un obbligo di legge o a un compito di interesse pubblico;</li>
  <li>la limitazione del trattamento (art. 18);</li>
  <li>l'opposizione al trattamento (art. 21).</li>
</ul>
<p>Se ritieni che il trattamento violi il GDPR, puoi proporre reclamo al Garante per la protezione dei dati personali (art. 77 GDPR, <a href="https://www.garanteprivacy.it">www.garanteprivacy.it</a>) o ricorrere all'autorità giudiziaria.</p>

<h2 class="h4 mt-4">Come esercitare i diritti</h2>
<p>Scrivi a ${address} indicando il diritto che vuoi esercitare e il numero di serie della tua Carta; non inviare mai password, PIN o PUK. Per essere certi che la richiesta venga da te potrebbe esserti chiesto un documento d'identità. Ricevi risposta entro un mese (art. 12 GDPR), termine prorogabile di due mesi per le richieste più complesse.</p>`,
  );
}

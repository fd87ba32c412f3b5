import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { siteContacts } from '../core/site-contacts';
import { html } from '../platform/html';
import { emailLink, legalPage, phoneLink } from './common';

/**
 * GET /assistenza — who helps with what, in the guides' words: the help desk and the card-block
 * number (configurable), and the Comune for what only the Comune can change (phone number, PIN/PUK).
 * The sections have ids so that other pages can point at them ("Scopri come modificarlo" → #cellulare).
 */
export function helpPage(_request: IRequest, env: Env): Response {
  const { helpEmail, cardBlockPhone, helpHours } = siteContacts(env);
  return legalPage(
    'Assistenza',
    html`Hai un problema con l'attivazione delle credenziali o con l'accesso ai servizi online? Ecco a chi rivolgerti.`,
    html`<div class="row g-3 mt-2">
${
  helpEmail
    ? html`<div class="col-md-6"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
  <h2 class="h5 card-title" id="contatti">Assistenza per i cittadini</h2>
  <p class="card-text">L'assistenza per i cittadini risponde all'indirizzo email: ${emailLink(helpEmail)}</p>
  <p class="card-text">Indica il numero di serie della tua Carta e il problema che hai incontrato. Non inviare mai password, PIN o PUK: nessuno te li chiederà.</p>
</div></div></div></div>`
    : ''
}
<div class="col-md-6"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
  <h2 class="h5 card-title" id="blocco">Smarrimento o furto della Carta</h2>
${
  cardBlockPhone
    ? html`  <p class="card-text">Numero per il blocco carta: <strong>${phoneLink(cardBlockPhone)}</strong>${helpHours ? html` (${helpHours})` : ''}</p>
  <p class="card-text">Chiamalo subito per bloccare la Carta, poi presenta denuncia alle Forze dell'ordine. Una Carta bloccata non può più essere usata per accedere ai servizi online.</p>`
    : html`  <p class="card-text">Presenta denuncia alle Forze dell'ordine e rivolgiti al tuo Comune. Una Carta bloccata non può più essere usata per accedere ai servizi online.</p>`
}
</div></div></div></div>
</div>

<h2 class="h4 mt-4" id="comune">Il tuo Comune</h2>
<p>Rivolgiti all'ufficio anagrafe del Comune:</p>
<ul>
  <li id="cellulare">per cambiare il <strong>numero di cellulare</strong> associato alla Carta: è quello che hai comunicato al Comune quando hai richiesto la CIE, e non si può modificare da questo sito (l'indirizzo email invece lo inserisci e lo verifichi tu durante l'attivazione);</li>
  <li id="pin-puk">se hai perso i codici <strong>PIN e PUK</strong>: presso l'anagrafe di qualsiasi Comune, con un documento d'identità valido, ricevi nuovi codici;</li>
  <li>per richiedere una nuova Carta, se la tua è scaduta, deteriorata o è stata bloccata.</li>
</ul>

<h2 class="h4 mt-4" id="password">Hai dimenticato la password?</h2>
<p>Puoi sceglierne una nuova con un codice che ti inviamo via SMS al cellulare associato alle credenziali (e via email, se l'hai verificata): <a href="/recupero-password">recupera la password</a>. Se hai dimenticato il PUK, puoi <a href="/recupero-puk">recuperarlo</a>: per sicurezza lo vedrai 48 ore dopo la richiesta.</p>`,
  );
}

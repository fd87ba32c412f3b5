import { html, page } from '../platform/html';

/**
 * GET /recupero-password — where "Hai dimenticato la password?" on the login page leads. A new
 * password is a new activation with the card (R-ACT-9 replaces the previous credentials), so this page
 * says what that takes and sends the citizen there; it holds no state and asks for nothing.
 */
export function passwordRecoveryPage(): Response {
  return page({
    title: 'Hai dimenticato la password?',
    body: html`<h1 class="h2">Hai dimenticato la password?</h1>
<p class="lead">Puoi impostare una nuova password attivando di nuovo le credenziali CIE: la nuova password sostituisce la precedente.</p>
<p>Ti serviranno:</p>
<ul>
  <li>il codice fiscale e il numero di serie della Carta (sul fronte, in alto a destra);</li>
  <li>il codice PUK che hai ricevuto con la Carta;</li>
  <li>il cellulare comunicato al Comune quando hai richiesto la Carta, per ricevere il codice di verifica.</li>
</ul>
<p>Durante l'attivazione sceglierai di nuovo anche come confermare i tuoi accessi (App CieID o SMS).</p>
<p><a class="btn btn-primary" href="/attivazione">Imposta una nuova password</a></p>
<h2 class="h5 mt-4">Non hai più il PUK?</h2>
<p>Rivolgiti all'ufficio anagrafe di qualsiasi Comune con un documento d'identità valido: riceverai nuovi codici PIN e PUK.</p>`,
  });
}

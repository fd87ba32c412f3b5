import { html, page } from '../platform/html';

/** GET / — where a citizen lands: what the service is and where to go next. */
export function homePage(): Response {
  return page({
    title: 'CieID',
    body: html`<h1 class="h2">Identità digitale CIE</h1>
<p class="lead">Con la Carta d'Identità Elettronica accedi ai servizi online della Pubblica Amministrazione con "Entra con CIE".</p>
<div class="row g-3">
  <div class="col-md-6"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
    <h2 class="h5 card-title">Attiva le tue credenziali</h2>
    <p class="card-text">Hai la Carta oppure l'hai già richiesta? Attiva subito le tue credenziali CIE (livello 1 e 2).</p>
    <a class="btn btn-primary" href="/attivazione">Attiva</a>
  </div></div></div></div>
  <div class="col-md-6"><div class="card-wrapper h-100 pb-0"><div class="card card-bg"><div class="card-body">
    <h2 class="h5 card-title">Entra con CIE</h2>
    <p class="card-text">L'accesso parte sempre dal sito del servizio che vuoi usare (INPS, il tuo Comune…): cerca il pulsante "Entra con CIE".</p>
  </div></div></div></div>
</div>`,
  });
}

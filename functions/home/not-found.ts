import { html, page } from '../platform/html';

/** Any page that does not exist, for a person: what happened and the two ways on, not a dead end. */
export function notFoundPage(): Response {
  return page(
    {
      title: 'Pagina non trovata',
      body: html`<h1 class="h2">Pagina non trovata</h1>
<p class="lead">La pagina che cerchi non esiste o non è più disponibile. Controlla l'indirizzo, oppure:</p>
<div class="d-flex flex-wrap gap-3 mb-4">
  <a class="btn btn-primary" href="/">Torna alla home</a>
  <a class="btn btn-outline-primary" href="/attivazione">Attiva le credenziali</a>
</div>
<p>Per entrare in un servizio online parti dal sito del servizio e scegli «Entra con CIE». Serve aiuto? Vedi <a href="/assistenza">Assistenza</a>.</p>`,
    },
    404,
  );
}

import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { siteContacts } from '../core/site-contacts';
import { html } from '../platform/html';
import { legalPage } from './common';

/** GET /note-legali — licence of the content, the third-party parts it is built with, and who answers for what. */
export function legalNotesPage(_request: IRequest, env: Env): Response {
  const { controller } = siteContacts(env);
  return legalPage(
    'Note legali',
    html`Le condizioni d'uso dei contenuti di questo sito e i limiti di responsabilità dell'ente che lo gestisce, ${controller}.`,
    html`<h2 class="h4 mt-4">Copyright e licenze</h2>
<p>Salvo diversa indicazione, i testi di questo sito sono pubblicati con licenza <a href="https://creativecommons.org/licenses/by/4.0/deed.it">Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)</a>: puoi riutilizzarli citando la fonte.</p>
<p>L'aspetto del sito si basa su Bootstrap Italia di Designers Italia (licenza BSD 3-Clause) e sui caratteri Titillium Web e Lora (SIL Open Font License 1.1) e Roboto Mono (Apache License 2.0).</p>
<p>I nomi «Carta d'Identità Elettronica», «CIE» e «CieID» e gli altri marchi citati appartengono ai rispettivi titolari.</p>

<h2 class="h4 mt-4">Servizi di terzi e collegamenti esterni</h2>
<p>Con «Entra con CIE» accedi a servizi online gestiti da altre amministrazioni e da altri soggetti: ciascuno risponde dei propri contenuti, del proprio funzionamento e dei dati che riceve. L'ente che gestisce questo sito non risponde dei servizi di terzi né dei siti esterni ai quali questo sito rimanda.</p>

<h2 class="h4 mt-4">Trattamento dei dati personali</h2>
<p>Come sono trattati i tuoi dati personali è spiegato nell'<a href="/privacy">Informativa sul trattamento dei dati personali</a>.</p>`,
  );
}

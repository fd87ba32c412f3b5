import { html } from '../../../platform/html';
import { AREA_PATHS, areaPage } from '../layout';
import type { AreaSession } from '../session';

const QUESTIONS: readonly { q: string; a: ReturnType<typeof html> }[] = [
  {
    q: 'Come cambio la password?',
    a: html`In <a href="${AREA_PATHS.profile}">Gestione CieID</a> premi “Modifica Password”: serve la password attuale; la nuova deve rispettare i criteri indicati e non può essere una delle ultime 5.`,
  },
  {
    q: 'Come scelgo se autorizzare gli accessi con l’App CieID o con un SMS?',
    a: html`In <a href="${AREA_PATHS.profile}">Gestione CieID</a>, sezione “Scegli la modalità di utilizzo delle credenziali”: la scelta si conferma con un codice inviato via SMS al numero registrato.`,
  },
  {
    q: 'Posso usare la mia email come username?',
    a: html`Sì, dopo averla verificata: in <a href="${AREA_PATHS.profile}">Gestione CieID</a> premi “Aggiungi email” (o “Modifica email”) e inserisci il codice che ricevi a quell’indirizzo.`,
  },
  {
    q: 'Ho smarrito la Carta o me l’hanno rubata: cosa faccio?',
    a: html`Bloccala subito: trovi il numero da chiamare in <a href="/assistenza#blocco">Assistenza</a>. Puoi anche revocare le credenziali di livello 1 e 2 da Gestione CieID.`,
  },
  {
    q: 'Il numero di cellulare non è più il mio.',
    a: html`Il numero registrato si cambia solo presso il Comune: vedi <a href="/assistenza#cellulare">Assistenza</a>.`,
  },
];

/** GET /area-personale/domande-frequenti — the menu's last item. */
export function faqPage(session: AreaSession): Response {
  return areaPage({
    title: 'Domande frequenti',
    current: 'domande',
    session,
    body: html`${QUESTIONS.map(
      (item) => html`<h2 class="h5 mt-4">${item.q}</h2>
<p>${item.a}</p>
`,
    )}`,
  });
}

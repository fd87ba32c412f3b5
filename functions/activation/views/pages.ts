import { html, page } from '../../platform/html';
import type { ActivationRefusal } from '../../core/activation-eligibility';
import { SECTION } from './common';

function messagePage(
  status: number,
  title: string,
  message: string,
  link: { href: string; text: string },
  kind = 'danger',
  headers: Record<string, string> = {},
): Response {
  return page(
    {
      title,
      section: SECTION,
      body: html`<div class="alert alert-${kind}" role="${kind === 'danger' ? 'alert' : 'status'}"><h1 class="h4">${title}</h1><p class="mb-0">${message}</p></div>
<a class="btn btn-primary" href="${link.href}">${link.text}</a>`,
    },
    status,
    headers,
  );
}

const RESTART = { href: '/attivazione', text: 'Ricomincia' };

/** 410: the flow expired, was closed or never existed. */
export function gonePage(message: string): Response {
  return messagePage(410, 'Procedura non più valida', `${message} Per attivare le credenziali ricomincia dall'inizio.`, RESTART);
}

/** R-ACT-8: the citizen abandoned the flow; nothing of it was kept. */
export function cancelledPage(): Response {
  return messagePage(
    200,
    'Attivazione annullata',
    'La procedura di attivazione è stata annullata e nessun dato è stato salvato. Le credenziali della tua carta non sono cambiate.',
    RESTART,
    'info',
  );
}

const REFUSALS: Record<ActivationRefusal, string> = {
  blocked:
    'La carta risulta bloccata a seguito di una denuncia di smarrimento o furto: non è possibile attivare le credenziali. Per assistenza rivolgiti al tuo Comune.',
  expired: 'La carta risulta scaduta: non è possibile attivare le credenziali. Richiedi una nuova CIE al tuo Comune.',
  puk_blocked:
    "La carta è bloccata in modo permanente per l'identità digitale perché il codice PUK è stato inserito in modo errato troppe volte. Resta valida come documento di identità; per accedere ai servizi online serve una nuova CIE.",
  superseded: 'La carta è stata sostituita da una CIE più recente: usa i dati della nuova carta.',
  underage: "L'identità digitale CieID non è disponibile per i titolari con meno di 5 anni.",
  unusable: 'La carta non può essere usata per attivare le credenziali. Per assistenza rivolgiti al tuo Comune.',
};

/** R-CARD-3, R-CARD-4, R-PUK-3: a card that cannot get credentials, said plainly. */
export function refusalPage(reason: ActivationRefusal): Response {
  return messagePage(403, 'Attivazione non possibile', REFUSALS[reason], { href: '/attivazione', text: "Torna all'inizio" });
}

/** Any other refusal of a request (CSRF, media type, size…), titled as the activation's surface says. */
export function requestErrorPage(status: number, title: string, message: string, headers: Record<string, string> = {}): Response {
  return messagePage(status, title, message, { href: '/attivazione', text: "Torna all'attivazione" }, 'danger', headers);
}

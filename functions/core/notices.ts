/**
 * Security notices (issue 13 §7): informative messages to the holder after a change to their
 * identity, each saying what happened and how to react if it was not them. Pure: the texts only;
 * platform/notices.ts chooses the channel and sends.
 */
export type Notice =
  | { kind: 'password_changed' }
  | { kind: 'password_recovered' }
  | { kind: 'mode_changed'; mode: 'app' | 'sms' }
  | { kind: 'email_changed'; email: string }
  | { kind: 'device_added'; name: string }
  | { kind: 'device_revoked'; name: string }
  | { kind: 'credentials_revoked' }
  | { kind: 'level3_suspended' }
  | { kind: 'level3_resumed' }
  | { kind: 'puk_recovery_requested'; releaseAt: number }
  | { kind: 'puk_recovery_released'; link: string }
  | { kind: 'refresh_token_used'; rpName: string };

export type NoticeKind = Notice['kind'];

const REACT = "Se non sei stato tu, accedi all'Area personale su CieID, cambia la password e contatta l'assistenza.";

const ROME_TIME = new Intl.DateTimeFormat('it-IT', {
  timeZone: 'Europe/Rome',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A date and time as an Italian reads it on their phone: "03/12/2026, 14:05" (Rome). */
export const romeTime = (instant: number): string => ROME_TIME.format(new Date(instant));

/** The text of each notice: what happened, then what to do if it was not the holder. Never a code or a secret. */
export function noticeText(notice: Notice): string {
  switch (notice.kind) {
    case 'password_changed':
      return `CieID: la password delle tue credenziali è stata modificata. ${REACT}`;
    case 'password_recovered':
      return `CieID: è stata impostata una nuova password con la procedura di recupero; le altre sessioni sono state chiuse. ${REACT}`;
    case 'mode_changed':
      return `CieID: d'ora in poi gli accessi di livello 2 si autorizzano ${notice.mode === 'app' ? "con l'App CieID" : 'con un codice via SMS'}. ${REACT}`;
    case 'email_changed':
      return `CieID: l'indirizzo email delle tue credenziali ora è ${notice.email}. ${REACT}`;
    case 'device_added':
      return `CieID: il dispositivo "${notice.name}" è stato certificato per l'App CieID. ${REACT}`;
    case 'device_revoked':
      return `CieID: il dispositivo "${notice.name}" è stato revocato e non può più autorizzare accessi. Se non sei stato tu, contatta l'assistenza.`;
    case 'credentials_revoked':
      return "CieID: le tue credenziali di livello 1 e 2 sono state revocate; per usarle di nuovo attivale su CieID. Se non sei stato tu, contatta l'assistenza.";
    case 'level3_suspended':
      return `CieID: l'uso della tua Carta per gli accessi di livello 3 è stato sospeso. ${REACT}`;
    case 'level3_resumed':
      return `CieID: l'uso della tua Carta per gli accessi di livello 3 è stato riattivato. ${REACT}`;
    case 'puk_recovery_requested':
      return `CieID: è stato richiesto il recupero del PUK della tua Carta; potrai vederlo dal ${romeTime(notice.releaseAt)}. Se non sei stato tu, blocca la Carta chiamando l'assistenza.`;
    case 'puk_recovery_released':
      return `CieID: il PUK della tua Carta è disponibile. Per vederlo (una sola volta) apri ${notice.link}`;
    case 'refresh_token_used':
      return `CieID: ${notice.rpName} ha rinnovato l'accesso ai tuoi dati senza un nuovo accesso. Se non lo riconosci, revoca le credenziali nell'Area personale.`;
  }
}

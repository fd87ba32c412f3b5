/**
 * The texts the activation pages are found by (docs/activation-pages.md): headings, labels and
 * buttons. The harness knows the pages by these, never by their routes.
 */
export const ACTIVATION_ENTRY = '/attivazione';

export const HEADING = {
  dati: '1.1 Inserisci i dati della tua CIE',
  puk: '1.2 Inserisci codice PUK',
  cellulare: '2.1 Verifica Numero Cellulare',
  email: '2.2 Verifica Indirizzo E-mail',
  password: '2.3 Crea Credenziali',
  configura: 'Scegli come autorizzare i tuoi accessi online',
  riepilogo: 'Credenziali attivate',
  annullata: 'Attivazione annullata',
  refused: 'Attivazione non possibile',
} as const;

export const LABEL = {
  fiscalCode: 'Codice Fiscale',
  serial: 'Numero di serie',
  otp: 'Codice di verifica OTP',
  email: 'Indirizzo email',
  password: 'Scegli Password',
  passwordConfirm: 'Conferma Password',
  gdpr: "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)",
} as const;

/** "2° cifra del PUK": the positions change at every attempt. */
export const PUK_DIGIT_LABEL = /^(\d)° cifra del PUK$/;

export const BUTTON = {
  next: 'Continua',
  resendSms: 'Invia SMS di nuovo',
  sendEmail: 'Invia codice',
  resendEmail: 'Invia email di nuovo',
  changeEmail: 'Cambia indirizzo email',
  notNow: 'Non adesso',
  cancel: 'Annulla attivazione',
  /** Step 3: each mode's card has its own button, which sends the choice. */
  chooseApp: 'Scegli App CieID',
  chooseSms: 'Scegli SMS',
} as const;

export const STEPPER = ['1 I TUOI DATI', '2 CONTATTI E PASSWORD', '3 CONFIGURA', '4 RIEPILOGO'] as const;
export const RESTART_LINK = 'Ricomincia';
export const MISMATCH = 'I dati inseriti non corrispondono a una CIE valida';

/**
 * The texts the login pages ("Entra con CIE") are found by (docs/login-pages.md).
 */
export const LEVEL_HEADING = (level: 1 | 2 | 3) => `RICHIESTA D'ACCESSO CIE LIVELLO ${level}`;
export const LEVEL_NAME = { 1: 'BASSO', 2: 'SIGNIFICATIVO', 3: 'ELEVATO' } as const;

export const LABEL = {
  username: 'Numero CIE o Codice fiscale o Email',
  password: 'Password',
  otp: 'Codice di verifica OTP',
} as const;

export const BUTTON = {
  signIn: 'Procedi',
  cancel: 'Annulla',
  proceed: 'Prosegui',
  resend: 'Invia di nuovo',
  backToService: 'Torna al servizio',
} as const;

export const TEXT = {
  credentials: 'Entra con le tue credenziali CIE',
  forgotPassword: 'Hai dimenticato la password?',
  /** The button of the page behind forgotPassword. */
  setNewPassword: 'Imposta una nuova password',
  activateNow: 'Attiva ora le credenziali',
  app: 'Entra con App CieID',
  qrValidity: 'Validità codice',
  cardReading: 'Entra con lettura carta',
  consentTo: 'I seguenti dati stanno per essere inviati a:',
  noData: 'Nessun dato personale: solo un codice identificativo riservato a questo servizio.',
  refused: 'Accesso non consentito',
  wrongCredentials: 'Credenziali non valide',
  throttled: 'Troppi tentativi.',
} as const;

/** The consent page's names for the attributes the profile's scopes release. */
export const PROFILE_ATTRIBUTES = ['Nome', 'Cognome', 'Data di nascita', 'Codice fiscale'] as const;

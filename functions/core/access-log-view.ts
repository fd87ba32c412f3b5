import type { AccessOutcome } from './card';
import type { Problem } from './errors';
import type { GrantRefusal } from './identity-grants';
import type { CardNotAccepted } from './login-flow';
import type { Refusal } from './login-levels';
import { romeTime } from './notices';

/**
 * "Elenco accessi" (R-ACC-5, R-LOG-9) as the holder reads it: the query a page or an export may ask
 * (filters and the page cursor, from the URL, so hostile), what each stored event says in Italian,
 * and the CSV export. Pure: the Card's log table runs the query, the area's pages render the lines.
 */

/** Lines per page: a phone screen or two, and one small read of the Card per page. */
export const ACCESS_LOG_PAGE_SIZE = 20;
/** A relying party's client_id is a URL of at most 1024 characters (core/oidc-client). */
export const SERVICE_FILTER_MAX = 1024;
/** The services the filter offers: those in the log, newest first; a log of 1,000 lines rarely has more. */
export const SERVICE_CHOICES_MAX = 50;

/** What the outcome filter may ask for: every granted or every refused attempt, or one outcome exactly. */
export type OutcomeFilter = 'consentiti' | 'negati' | AccessOutcome;

export interface AccessLogFilter {
  /** A relying party's client_id; only access lines of that service. */
  service: string | null;
  outcome: OutcomeFilter | null;
}

export interface AccessLogQuery extends AccessLogFilter {
  /** Keyset cursor: only lines older than this `seq` (the next page starts where the last one ended). */
  before: number | null;
}

/**
 * The query as the Card's log table runs it: with any filter set only access lines (a filter names a
 * service or an outcome, which only logins have); outcomes as a set to keep or to leave out.
 */
export interface LogSelection {
  accessOnly: boolean;
  rp: string | null;
  outcomes: { values: readonly string[]; exclude: boolean } | null;
  before: number | null;
}

export const GRANTED: AccessOutcome = 'granted';

/**
 * Every outcome a login or the App writes (core/card's AccessOutcome), in Italian. A Record, so an
 * outcome added to AccessOutcome without its words here does not compile — and the unit test reads
 * AccessOutcome's source to fail too.
 */
export const OUTCOME_LABELS: Readonly<Record<AccessOutcome, string>> = {
  granted: 'Accesso consentito',
  wrong_password: 'Password errata',
  throttled: 'Troppi tentativi: accesso temporaneamente bloccato',
  wrong_otp: 'Codice errato',
  otp_attempts_exhausted: 'Troppi codici errati',
  card_refused: 'Carta rifiutata',
  cancelled: 'Annullato',
  app_denied: "Negato dall'App CieID",
  app_refused: "Autorizzazione dell'App CieID non valida",
};

/** Why a card was refused (R-CARD-3, R-CARD-4, R-PUK-3; docs/level3.md), as a short line of the log. */
export const CARD_REASON_LABELS: Readonly<Record<Refusal | CardNotAccepted, string>> = {
  blocked: 'Carta bloccata',
  expired: 'Carta scaduta',
  puk_blocked: 'Carta bloccata definitivamente (PUK)',
  superseded: 'Carta sostituita da una più recente',
  underage: 'Non disponibile per i minori di 5 anni',
  unusable: 'Carta non utilizzabile',
  level3_minor: 'Livello 3 non disponibile per i minori di 18 anni',
  level3_suspended: 'Livello 3 sospeso',
  certificate_malformed: 'Carta non riconosciuta',
  certificate_untrusted: 'Carta non riconosciuta',
  card_unknown: 'Carta non riconosciuta',
  certificate_expired: 'Certificato della carta scaduto',
  signature_invalid: 'Firma della carta non valida',
  card_not_typed: 'Carta diversa dal numero di serie inserito',
  card_not_registered: "Carta non registrata nell'App CieID",
  reader_none: 'Nessuna carta letta',
  reader_unverified: 'Carta non riconosciuta',
};

/**
 * Why the Card refused a login's grant at consent for something other than the card itself
 * (core/identity-grants grantRefusal, written by Card.admitGrant): the card is fine, so the line says
 * what changed while the login waited.
 */
export const GRANT_REASON_LABELS: Readonly<Record<Exclude<GrantRefusal, keyof typeof CARD_REASON_LABELS>, string>> = {
  credentials_revoked: "Credenziali revocate durante l'accesso",
  credentials_changed: "Password cambiata durante l'accesso",
  other_holder: 'Carta di un altro titolare',
};

/** Reasons that say more than their outcome's words; any other reason leaves the outcome's. */
const REASON_LABELS: Readonly<Partial<Record<AccessOutcome, Readonly<Record<string, string>>>>> = {
  card_refused: { ...CARD_REASON_LABELS, ...GRANT_REASON_LABELS, pin_blocked: 'PIN della carta bloccato' },
  wrong_otp: { expired: 'Codice scaduto', daily_cap: 'Limite giornaliero di codici raggiunto' },
  // R-ACC-4: the credentials were revoked in the personal area; a password tried afterwards says why it failed.
  wrong_password: { credentials_revoked: 'Credenziali revocate' },
  throttled: { approvals: "Troppe richieste all'App CieID", credentials_revoked: 'Credenziali revocate' },
};

/** The label of one outcome filter choice (the select offers them in this order). */
export const OUTCOME_FILTER_LABELS: Readonly<Record<OutcomeFilter, string>> = {
  consentiti: 'Solo accessi consentiti',
  negati: 'Solo accessi non riusciti',
  ...OUTCOME_LABELS,
};

const isOutcomeFilter = (value: string): value is OutcomeFilter => Object.hasOwn(OUTCOME_FILTER_LABELS, value);

/** How the login was proven (core/login-levels' LoginMethod: what logins and the App write). */
export const METHOD_LABELS: Readonly<Record<string, string>> = {
  password: 'Password',
  sms: 'Password e SMS',
  app: 'App CieID',
  card: "Carta d'identità elettronica",
};

/** Events that are not logins, in the holder's words; a kind not listed here gets GENERIC_EVENT. */
const EVENT_LABELS: Readonly<Record<string, (detail: Record<string, unknown>) => string>> = {
  card_blocked: (d) => (d.reason === 'stolen' ? 'Carta bloccata per furto' : d.reason === 'lost' ? 'Carta bloccata per smarrimento' : 'Carta bloccata'),
  activation: (d) => (d.outcome === 'completed' ? 'Credenziali attivate' : 'Attivazione delle credenziali non riuscita'),
  device_certified: (d) => `Dispositivo certificato${text(d.name) ? `: ${text(d.name)}` : ''}`,
  device_revoked: (d) => `Dispositivo revocato${text(d.name) ? `: ${text(d.name)}` : ''}`,
  card_registered: () => "Carta registrata nell'App CieID",
  password_changed: () => 'Password modificata',
  email_changed: () => 'Email modificata',
  credentials_revoked: () => 'Credenziali di livello 1 e 2 revocate',
  level3_suspended: () => 'Livello 3 sospeso',
  level3_resumed: () => 'Livello 3 riattivato',
  puk_recovery_requested: () => 'Recupero del PUK richiesto',
  puk_recovery_released: () => 'PUK disponibile',
  puk_recovery_viewed: () => 'PUK visualizzato',
  mode_changed: (d) =>
    d.mode === 'app' ? 'Accessi di livello 2 con App CieID' : d.mode === 'sms' ? 'Accessi di livello 2 con SMS' : 'Modalità di accesso cambiata',
};

export const GENERIC_EVENT = 'Operazione sulle credenziali';
/** A line whose service is unknown (a refusal that named no login any more). */
export const NO_SERVICE = 'Servizio non indicato';
/** The service of lines that are not logins: CieID itself. */
export const OWN_SERVICE = 'CieID';
/** A column a line has nothing for (the level of an event that is no login). */
export const NOT_APPLICABLE = '—';
const NONE = NOT_APPLICABLE;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const CURSOR = /^[1-9][0-9]{0,15}$/;

/**
 * The query of `?servizio=…&esito=…&prima=…`. Each parameter at most once, each bounded; an empty
 * value is no filter (what the form sends for "Tutti"). Anything else is a problem to answer with 400.
 */
export function parseAccessLogQuery(params: URLSearchParams): { ok: true; query: AccessLogQuery } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const one = (name: string): string | null => {
    const all = params.getAll(name);
    if (all.length > 1) problems.push({ field: name, message: 'indicato più di una volta' });
    return all[0] ? all[0] : null;
  };
  const service = one('servizio');
  if (service !== null && (service.length > SERVICE_FILTER_MAX || /\p{Cc}/u.test(service))) problems.push({ field: 'servizio', message: 'non valido' });
  const outcome = one('esito');
  if (outcome !== null && !isOutcomeFilter(outcome)) problems.push({ field: 'esito', message: 'non valido' });
  const cursor = one('prima');
  const before = cursor === null ? null : CURSOR.test(cursor) && Number(cursor) <= Number.MAX_SAFE_INTEGER ? Number(cursor) : Number.NaN;
  if (Number.isNaN(before)) problems.push({ field: 'prima', message: 'non valido' });
  for (const name of params.keys()) {
    if (!['servizio', 'esito', 'prima'].includes(name) && !problems.some((p) => p.field === name)) problems.push({ field: name, message: 'sconosciuto' });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, query: { service, outcome: outcome as OutcomeFilter | null, before } };
}

/** The selection the Card runs for a query. */
export function logSelection(query: AccessLogFilter & { before?: number | null }): LogSelection {
  const outcomes =
    query.outcome === null
      ? null
      : query.outcome === 'consentiti'
        ? { values: [GRANTED], exclude: false }
        : query.outcome === 'negati'
          ? { values: [GRANTED], exclude: true }
          : { values: [query.outcome], exclude: false };
  return { accessOnly: query.service !== null || outcomes !== null, rp: query.service, outcomes, before: query.before ?? null };
}

/** The query string of a filter (and a cursor), for links and the form: only what is set. */
export function accessLogSearch(filter: AccessLogFilter, before: number | null = null): string {
  const params = new URLSearchParams();
  if (filter.service) params.set('servizio', filter.service);
  if (filter.outcome) params.set('esito', filter.outcome);
  if (before !== null) params.set('prima', String(before));
  const search = params.toString();
  return search ? `?${search}` : '';
}

export interface StoredEvent {
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

/** One line of "Elenco accessi", every column already in words. `granted`: true, false, or null for a line that is not a login. */
export interface EventLine {
  when: string;
  service: string;
  level: string;
  method: string;
  outcome: string;
  granted: boolean | null;
}

export function outcomeLabel(outcome: unknown, reason: unknown): string {
  const known = typeof outcome === 'string' && Object.hasOwn(OUTCOME_LABELS, outcome) ? (outcome as AccessOutcome) : null;
  if (!known) return 'Esito non disponibile';
  const byReason = REASON_LABELS[known];
  return typeof reason === 'string' && byReason && Object.hasOwn(byReason, reason) ? byReason[reason]! : OUTCOME_LABELS[known];
}

const levelLabel = (level: unknown): string => (level === 1 || level === 2 || level === 3 ? `Livello ${level}` : NONE);
const methodLabel = (method: unknown): string => (typeof method === 'string' && Object.hasOwn(METHOD_LABELS, method) ? METHOD_LABELS[method]! : NONE);

/** Any stored event, of any kind, old or new, as a line: an unknown kind or a malformed detail gets generic words, never an error. */
export function eventLine(event: StoredEvent): EventLine {
  const when = romeTime(event.at);
  const d = event.detail && typeof event.detail === 'object' ? event.detail : {};
  if (event.kind === 'access') {
    return {
      when,
      service: text(d.rpName) || NO_SERVICE,
      level: levelLabel(d.level),
      method: methodLabel(d.method),
      outcome: outcomeLabel(d.outcome, d.reason),
      granted: d.outcome === GRANTED,
    };
  }
  const label = Object.hasOwn(EVENT_LABELS, event.kind) ? EVENT_LABELS[event.kind]!(d) : GENERIC_EVENT;
  return { when, service: OWN_SERVICE, level: NONE, method: NONE, outcome: label, granted: null };
}

// ——— CSV (RFC 4180) ———

/**
 * A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return that
 * some read as the start of one) gets a leading apostrophe: a relying party's name is chosen by its
 * registrant, and the holder opens the file on their own computer (CSV injection).
 */
export function escapeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: quoted when it holds a quote, a comma or a line break; quotes doubled. */
export function csvCell(cell: string): string {
  const safe = escapeFormula(cell);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows to a CSV document: CRLF after every record, the header first. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

export const CSV_HEADER = ['Data e ora (Italia)', 'Data e ora (UTC)', 'Servizio', 'Livello', 'Metodo', 'Esito'] as const;

/** Excel, where most Italians open a CSV, reads it as UTF-8 only after this mark (without it "è" shows as "Ã¨"). */
export const CSV_BOM = '\uFEFF';

/** The export of "Elenco accessi": the lines of the page, plus the instant in UTC for whoever needs it exact. */
export function accessLogCsv(events: readonly StoredEvent[]): string {
  return (
    CSV_BOM +
    toCsv([
      CSV_HEADER,
      ...events.map((e) => {
        const line = eventLine(e);
        return [line.when, new Date(e.at).toISOString(), line.service, line.level, line.method, line.outcome];
      }),
    ])
  );
}

/** The export's file name: the day of the export in Italy. */
export function accessLogFileName(now: number): string {
  const [day, month, year] = romeTime(now).split(',')[0]!.split('/');
  return `elenco-accessi-${year}-${month}-${day}.csv`;
}

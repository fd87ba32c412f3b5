import { describe, expect, it } from 'vitest';
import cardSource from '../../../functions/core/card.ts?raw';
import cardStandingSource from '../../../functions/core/card-standing.ts?raw';
import cardAuthSource from '../../../functions/core/card-auth.ts?raw';
import loginLevelsSource from '../../../functions/core/login-levels.ts?raw';
import identityGrantsSource from '../../../functions/core/identity-grants.ts?raw';
import {
  ACCESS_LOG_PAGE_SIZE,
  CARD_REASON_LABELS,
  CSV_BOM,
  CSV_HEADER,
  GENERIC_EVENT,
  METHOD_LABELS,
  NO_SERVICE,
  OUTCOME_LABELS,
  SERVICE_FILTER_MAX,
  accessLogCsv,
  accessLogFileName,
  accessLogSearch,
  csvCell,
  escapeFormula,
  eventLine,
  logSelection,
  outcomeLabel,
  parseAccessLogQuery,
  toCsv,
} from '../../../functions/core/access-log-view';

/** The string members of a union type as its declaration in `source` spells them (`export type X = | 'a' | 'b';`). */
function unionMembers(source: string, name: string): string[] {
  const match = new RegExp(`export type ${name} =([^;]+);`).exec(source);
  if (!match) throw new Error(`type ${name} not found`);
  return [...match[1]!.matchAll(/'([a-z0-9_]+)'/g)].map((m) => m[1]!);
}

const at = Date.UTC(2026, 6, 14, 12, 5, 9); // 14:05 in Rome (summer time)
const access = (detail: Record<string, unknown>) => ({ at, kind: 'access', detail });

describe('core/access-log-view: every outcome and reason in Italian (R-LOG-9)', () => {
  it('R-LOG-9: every outcome core/card declares has its own label — a new outcome without one fails here', () => {
    const outcomes = unionMembers(cardSource, 'AccessOutcome');
    expect(outcomes.length).toBeGreaterThanOrEqual(9);
    for (const outcome of outcomes) {
      expect(Object.hasOwn(OUTCOME_LABELS, outcome), `no label for outcome ${outcome}`).toBe(true);
      expect(outcomeLabel(outcome, undefined)).toBe(OUTCOME_LABELS[outcome as keyof typeof OUTCOME_LABELS]);
    }
  });

  it('R-LOG-9: every reason a card is refused for (card standing, card presentation) has its own label', () => {
    const reasons = [...unionMembers(cardStandingSource, 'CardRefusal'), ...unionMembers(cardAuthSource, 'CardAuthReason')];
    expect(reasons).toContain('blocked');
    for (const reason of reasons) {
      expect(Object.hasOwn(CARD_REASON_LABELS, reason), `no label for card reason ${reason}`).toBe(true);
      expect(outcomeLabel('card_refused', reason)).not.toBe(OUTCOME_LABELS.card_refused);
    }
  });

  it('R-LOG-9, R-ACC-2: every reason the Card refuses a grant at consent for (core/identity-grants GrantRefusal) has its own label', () => {
    const reasons = unionMembers(identityGrantsSource, 'GrantRefusal');
    expect(reasons).toEqual(expect.arrayContaining(['credentials_changed', 'credentials_revoked', 'other_holder', 'level3_suspended']));
    for (const reason of reasons) expect(outcomeLabel('card_refused', reason), `no label for grant refusal ${reason}`).not.toBe(OUTCOME_LABELS.card_refused);
    expect(outcomeLabel('card_refused', 'credentials_changed')).toBe("Password cambiata durante l'accesso");
  });

  it('R-LOG-9: the guide words for the common outcomes', () => {
    expect(outcomeLabel('granted', undefined)).toBe('Accesso consentito');
    expect(outcomeLabel('wrong_password', undefined)).toBe('Password errata');
    expect(outcomeLabel('wrong_otp', undefined)).toBe('Codice errato');
    expect(outcomeLabel('wrong_otp', 'expired')).toBe('Codice scaduto');
    expect(outcomeLabel('card_refused', 'blocked')).toBe('Carta bloccata');
    expect(outcomeLabel('cancelled', undefined)).toBe('Annullato');
  });

  it('R-LOG-9: an unknown outcome or reason never crashes: generic words', () => {
    expect(outcomeLabel('mystery', undefined)).toBe('Esito non disponibile');
    expect(outcomeLabel(42, undefined)).toBe('Esito non disponibile');
    expect(outcomeLabel('card_refused', 'new_reason')).toBe(OUTCOME_LABELS.card_refused);
    expect(outcomeLabel('wrong_otp', '__proto__')).toBe(OUTCOME_LABELS.wrong_otp);
  });

  it('R-LOG-9: every method a login writes (core/login-levels LoginMethod) has a label', () => {
    const methods = unionMembers(loginLevelsSource, 'LoginMethod');
    expect(methods).toContain('password');
    for (const method of methods) expect(Object.hasOwn(METHOD_LABELS, method), `no label for method ${method}`).toBe(true);
  });
});

describe('core/access-log-view: lines of "Elenco accessi" (R-ACC-5, R-LOG-9)', () => {
  it('R-LOG-9: a login line: time in Rome, service, level, method, outcome', () => {
    expect(eventLine(access({ rp: 'https://rp.example', rpName: 'INPS', level: 2, method: 'sms', outcome: 'granted' }))).toEqual({
      when: '14/07/2026, 14:05',
      service: 'INPS',
      level: 'Livello 2',
      method: 'Password e SMS',
      outcome: 'Accesso consentito',
      granted: true,
    });
  });

  it('R-LOG-9: winter time in Rome is UTC+1', () => {
    expect(eventLine({ ...access({ outcome: 'granted' }), at: Date.UTC(2026, 0, 5, 23, 30) }).when).toBe('06/01/2026, 00:30');
  });

  it('R-LOG-9: a refusal with no service, level or method shows dashes and "Servizio non indicato"', () => {
    expect(eventLine(access({ rp: '', rpName: '', outcome: 'app_refused', reason: 'approval_unknown' }))).toMatchObject({
      service: NO_SERVICE,
      level: '—',
      method: '—',
      granted: false,
    });
  });

  it('R-CARD-3: events that are not logins are lines of CieID itself; unknown kinds get generic words', () => {
    expect(eventLine({ at, kind: 'card_blocked', detail: { reason: 'stolen' } })).toMatchObject({
      service: 'CieID',
      outcome: 'Carta bloccata per furto',
      granted: null,
    });
    expect(eventLine({ at, kind: 'device_certified', detail: { device: 'x', name: 'Il mio telefono' } }).outcome).toBe(
      'Dispositivo certificato: Il mio telefono',
    );
    expect(eventLine({ at, kind: 'device_revoked', detail: { device: 'x' } }).outcome).toBe('Dispositivo revocato');
    expect(eventLine({ at, kind: 'mode_changed', detail: { mode: 'app' } }).outcome).toBe('Accessi di livello 2 con App CieID');
    expect(eventLine({ at, kind: 'activation', detail: { outcome: 'completed', mode: 'sms' } }).outcome).toBe('Credenziali attivate');
    expect(eventLine({ at, kind: 'someone_elses_new_kind', detail: { x: 1 } }).outcome).toBe(GENERIC_EVENT);
    expect(eventLine({ at, kind: 'toString', detail: {} }).outcome).toBe(GENERIC_EVENT);
    expect(eventLine({ at, kind: 'access', detail: null as unknown as Record<string, unknown> }).outcome).toBe('Esito non disponibile');
  });
});

describe('core/access-log-view: the query from the URL is hostile (R-ACC-5)', () => {
  const parse = (search: string) => parseAccessLogQuery(new URLSearchParams(search));

  it('R-ACC-5: no parameter, empty values: the whole log from the newest line', () => {
    expect(parse('')).toEqual({ ok: true, query: { service: null, outcome: null, before: null } });
    expect(parse('servizio=&esito=')).toEqual({ ok: true, query: { service: null, outcome: null, before: null } });
  });

  it('R-ACC-5: a service, an outcome group or one outcome, a cursor', () => {
    expect(parse('servizio=https%3A%2F%2Frp.example&esito=negati&prima=41')).toEqual({
      ok: true,
      query: { service: 'https://rp.example', outcome: 'negati', before: 41 },
    });
    expect(parse('esito=wrong_password')).toMatchObject({ ok: true, query: { outcome: 'wrong_password' } });
  });

  it.each([
    ['esito=mystery', 'esito'],
    ['esito=__proto__', 'esito'],
    ['prima=0', 'prima'],
    ['prima=-1', 'prima'],
    ['prima=1e3', 'prima'],
    ['prima=99999999999999999', 'prima'],
    ['prima=abc', 'prima'],
    ['prima=1&prima=2', 'prima'],
    [`servizio=${'a'.repeat(SERVICE_FILTER_MAX + 1)}`, 'servizio'],
    ['servizio=a%0Ab', 'servizio'],
    ['pagina=2', 'pagina'],
  ])('R-ACC-5: %s is refused (%s)', (search, field) => {
    const parsed = parse(search);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.field)).toContain(field);
  });

  it('R-ACC-5: the selection: a filter keeps only logins; groups keep or leave out the granted ones', () => {
    expect(logSelection({ service: null, outcome: null, before: null })).toEqual({ accessOnly: false, rp: null, outcomes: null, before: null });
    expect(logSelection({ service: 'x', outcome: null, before: 7 })).toEqual({ accessOnly: true, rp: 'x', outcomes: null, before: 7 });
    expect(logSelection({ service: null, outcome: 'consentiti' }).outcomes).toEqual({ values: ['granted'], exclude: false });
    expect(logSelection({ service: null, outcome: 'negati' }).outcomes).toEqual({ values: ['granted'], exclude: true });
    expect(logSelection({ service: null, outcome: 'cancelled' }).outcomes).toEqual({ values: ['cancelled'], exclude: false });
  });

  it('R-ACC-5: links carry the filter and the cursor, only what is set', () => {
    expect(accessLogSearch({ service: null, outcome: null })).toBe('');
    expect(accessLogSearch({ service: 'https://a.example/x?y', outcome: 'negati' }, 12)).toBe(
      '?servizio=https%3A%2F%2Fa.example%2Fx%3Fy&esito=negati&prima=12',
    );
    expect(ACCESS_LOG_PAGE_SIZE).toBe(20);
  });
});

describe('core/access-log-view: the CSV export (RFC 4180, formula escaping)', () => {
  it.each(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])('a cell starting like a formula (%j) gets a leading apostrophe', (cell) => {
    expect(escapeFormula(cell)).toBe(`'${cell}`);
  });

  it('cells that do not start like a formula are left as they are', () => {
    for (const cell of ['INPS', 'a=b', 'Livello 2', '', "'già"]) expect(escapeFormula(cell)).toBe(cell);
  });

  it('RFC 4180: quotes, commas and line breaks are quoted, quotes doubled; records end in CRLF', () => {
    expect(csvCell('Comune di Roma, Municipio I')).toBe('"Comune di Roma, Municipio I"');
    expect(csvCell('Il "nuovo" portale')).toBe('"Il ""nuovo"" portale"');
    expect(csvCell('due\nrighe')).toBe('"due\nrighe"');
    expect(csvCell('=1+1,"x"')).toBe(`"'=1+1,""x"""`);
    expect(
      toCsv([
        ['a', 'b'],
        ['c,d', ''],
      ]),
    ).toBe('a,b\r\n"c,d",\r\n');
  });

  it('R-LOG-9: the export has a header and one record per line, a hostile service name escaped', () => {
    const csv = accessLogCsv([access({ rp: 'x', rpName: '=cmd|"/c calc"!A1', level: 2, method: 'app', outcome: 'granted' })]);
    const [header, row, end] = csv.slice(CSV_BOM.length).split('\r\n');
    expect(header).toBe(CSV_HEADER.join(','));
    expect(row).toBe(`"14/07/2026, 14:05",2026-07-14T12:05:09.000Z,"'=cmd|""/c calc""!A1",Livello 2,App CieID,Accesso consentito`);
    expect(end).toBe('');
  });

  it('R-LOG-9: the export starts with the UTF-8 byte order mark, so Excel shows "è" and not "Ã¨"', () => {
    const csv = accessLogCsv([]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect([...new TextEncoder().encode(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.slice(1)).toBe(`${CSV_HEADER.join(',')}\r\n`);
  });

  it('the file is named by the day in Italy', () => {
    expect(accessLogFileName(Date.UTC(2026, 11, 31, 23, 30))).toBe('elenco-accessi-2027-01-01.csv');
  });
});

import { describe, expect, it } from 'vitest';
import { HttpError, badRequest, conflict, notFound, tooLarge, tooManyRequests, unauthorized, unsupportedMedia } from '../../../functions/core/errors';

describe('core/errors: one error type for every refusal (DESIGN)', () => {
  it('R-CARD-1: a bad request carries its problems, field by field', () => {
    const err = badRequest('Dati non validi', [{ field: 'phone', message: 'non valido' }]);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toBeInstanceOf(Error);
    expect([err.status, err.code, err.message]).toEqual([400, 'invalid_request', 'Dati non validi']);
    expect(err.problems).toEqual([{ field: 'phone', message: 'non valido' }]);
    expect(badRequest('x').problems).toEqual([]);
  });

  it('R-CARD-3: 401 asks for a bearer token', () => {
    const err = unauthorized();
    expect([err.status, err.code]).toEqual([401, 'unauthorized']);
    expect(err.headers).toEqual({ 'WWW-Authenticate': 'Bearer' });
    expect(err.message).toMatch(/Credenziali/);
  });

  it('R-CARD-5: a conflict is 409 with its problems', () => {
    const err = conflict('già associato', [{ field: 'phone', message: 'R-CARD-5' }]);
    expect([err.status, err.code, err.problems.length]).toEqual([409, 'conflict', 1]);
  });

  it('R-OTP-3: too many requests says when to retry, in whole seconds', () => {
    const err = tooManyRequests('attendi', 17);
    expect([err.status, err.code]).toEqual([429, 'too_many_requests']);
    expect(err.headers).toEqual({ 'Retry-After': '17' });
  });

  it('DESIGN: 404, 413 and 415 have their codes and Italian messages', () => {
    expect([notFound().status, notFound().code, notFound().message]).toEqual([404, 'not_found', 'Risorsa non trovata']);
    expect(notFound('Carta non trovata').message).toBe('Carta non trovata');
    expect([tooLarge().status, tooLarge().code]).toEqual([413, 'payload_too_large']);
    const media = unsupportedMedia('application/json');
    expect([media.status, media.code]).toEqual([415, 'unsupported_media_type']);
    expect(media.message).toContain('application/json');
  });
});

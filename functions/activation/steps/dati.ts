import { forbidden } from '../../core/errors';
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { ACTIVATION_FIELD_MAX, keepInput, parseIdentity, type IdentityField } from '../../core/activation-input';
import { activationRefusal } from '../../core/activation-eligibility';
import { ACTIVATION_FLOW, type ActivationData } from '../../core/activation-steps';
import { drawPukPositions } from '../../core/puk-challenge';
import { CAPTCHA_FIELD, captchaPasses, captchaSiteKey } from '../../platform/captcha';
import { readCookie } from '../../platform/cookies';
import { CSRF_FIELD, csrfTokenMatches } from '../../platform/csrf';
import { randomInt } from '../../platform/crypto';
import { directoryFor } from '../../platform/directory';
import { endFlow, flowStubOf, startFlow } from '../../platform/flows';
import { readForm, redirect } from '../../platform/http';
import { cardObject } from '../../platform/objects';
import { BAD_CSRF, PRE_FLOW_CSRF_COOKIE, flowCookie, existingFlowId, refuseForeignOrigin, requireSecrets, withCookies } from '../flow';
import { datiPage } from '../views/dati';
import { refusalPage } from '../views/pages';

/** Says neither which of the two was wrong nor whether the codice fiscale is known (R-ACT-1). */
export const IDENTITY_MISMATCH = 'I dati inseriti non corrispondono a una CIE valida. Controlla il codice fiscale e il numero di serie.';

/** POST /attivazione/dati — step 1.1: the card is checked, then (and only then) the flow begins. */
export async function postDati(request: IRequest, env: Env): Promise<Response> {
  refuseForeignOrigin(request);
  const form = await readForm(request);
  const token = readCookie(request, PRE_FLOW_CSRF_COOKIE);
  if (!(await csrfTokenMatches(token, form.get(CSRF_FIELD)))) throw forbidden(BAD_CSRF);
  requireSecrets(env);

  const kept = {
    fiscalCode: keepInput(form.get('fiscalCode'), ACTIVATION_FIELD_MAX.fiscalCode),
    serial: keepInput(form.get('serial'), ACTIVATION_FIELD_MAX.serial),
  };
  const again = (errors: string[], invalid: IdentityField[]) => datiPage({ csrf: token!, ...kept, errors, invalid, captchaSiteKey: captchaSiteKey(env) }, 400);

  const parsed = parseIdentity(form.get('fiscalCode'), form.get('serial'));
  if (!parsed.ok) return again(parsed.errors, parsed.fields);
  const captcha = form.get(CAPTCHA_FIELD);
  if (!(await captchaPasses(env, captcha, request.headers.get('CF-Connecting-IP')))) {
    return again(['Verifica "Non sono un robot" non superata: riprova.'], []);
  }

  const { fiscalCode, serial } = parsed.value;
  const current = await directoryFor(env).currentCard(fiscalCode);
  const view = current === serial ? await cardObject(env, serial).view() : null;
  // Which of the two is wrong is not said (R-ACT-1): both are marked.
  if (!view || view.fiscalCode !== fiscalCode) return again([IDENTITY_MISMATCH], ['fiscalCode', 'serial']);

  const refusal = activationRefusal(view, new Date());
  if (refusal) {
    await cardObject(env, serial).logActivationRefused(refusal);
    return refusalPage(refusal);
  }

  // A flow started earlier in this browser is abandoned for the new one, not left half-done.
  const previous = existingFlowId(request);
  const stale = previous ? flowStubOf(env, previous) : null;
  if (stale) await endFlow({ stub: stale });

  const data: ActivationData = {
    fiscalCode,
    serial,
    phone: view.phone,
    cardEmail: view.email,
    pukPositions: drawPukPositions(randomInt),
    email: null,
    verifiedEmail: null,
    passwordHash: null,
    mode: null,
  };
  const started = await startFlow(env, ACTIVATION_FLOW, 'puk', data);
  if (!started) throw new Error('flow id drawn twice');
  return withCookies(redirect('/attivazione'), flowCookie(request, started.id));
}

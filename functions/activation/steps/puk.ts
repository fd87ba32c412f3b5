import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parsePukDigits } from '../../core/activation-input';
import { drawPukPositions } from '../../core/puk-challenge';
import { refusalForStatus } from '../../core/activation-eligibility';
import { randomInt } from '../../platform/crypto';
import { redirect } from '../../platform/http';
import { cardObject } from '../../platform/objects';
import { advanceAndShow, flowPost, moveByAction } from '../flow';
import { closeWithRefusal } from '../render';
import { pukPage } from '../views/puk';
import { revokeIfOutOfService } from '../../registry/crl';

/**
 * R-PUK-3: a card blocked for good goes on the card CA's CRL (docs/level3.md), as the registry puts
 * the cards it blocks or supersedes. The card is blocked either way — every card signature is checked
 * against the Card's status — so a directory that fails here costs the auditors' list one line,
 * never the citizen an error page.
 */
async function listOnCrl(env: Env, serial: string): Promise<void> {
  try {
    const card = await cardObject(env, serial).view();
    if (card) await revokeIfOutOfService(env, card);
  } catch (err) {
    console.error('activation: CRL line for a PUK-blocked card not written', err instanceof Error ? err.message : String(err));
  }
}

/**
 * POST /attivazione/puk — step 1.2 (R-ACT-2, R-PUK-3). The card counts a wrong answer atomically;
 * whatever the outcome, the next attempt asks for freshly drawn positions.
 */
export async function postPuk(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'puk');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const positions = flow.data.pukPositions;
  if (!positions) return advanceAndShow(flow, 'puk', { pukPositions: drawPukPositions(randomInt) });

  const digits = parsePukDigits(form.get('pukDigitA'), form.get('pukDigitB'));
  if (!digits.ok) return pukPage({ csrf: flow.csrf, positions, errors: digits.errors }, 400);

  const answer = await cardObject(env, flow.data.serial).answerPuk(positions, digits.value);
  switch (answer.outcome) {
    case 'ok':
      return advanceAndShow(flow, 'cellulare', { pukPositions: null });
    case 'wrong': {
      const pukPositions = drawPukPositions(randomInt);
      if (!(await moveByAction(flow, 'puk', { pukPositions }))) return redirect('/attivazione');
      const warning = answer.remaining === 1 ? " Attenzione: un altro errore bloccherà la carta in modo permanente per l'identità digitale." : '';
      const message = `Le cifre inserite non sono corrette. Tentativi rimasti: ${answer.remaining}.${warning}`;
      return pukPage({ csrf: flow.csrf, positions: pukPositions, errors: [message] }, 400);
    }
    case 'blocked':
      if (answer.justBlocked) await listOnCrl(env, flow.data.serial);
      return closeWithRefusal(request, flow, 'puk_blocked');
    case 'unusable':
      return closeWithRefusal(request, flow, refusalForStatus(answer.status));
  }
}

import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parseOtp } from '../../core/activation-input';
import { parsePukLinkToken } from '../../core/puk-recovery';
import { PUK_SUBJECT, PUK_VIEW_FLOW, type PukRecoveryStep, type PukViewData } from '../../core/recovery-flows';
import { constantTimeEqual } from '../../platform/crypto';
import { type Flow, endFlow, startFlow } from '../../platform/flows';
import { redirect } from '../../platform/http';
import { type CardStub, cardByObjectId } from '../../platform/objects';
import { sha256Base64Url } from '../../platform/recovery-links';
import { CODE_RESENT, type CodeRefusal, checkCode, codeRefusal, issueCode, phoneOnRecord, resendRefusal } from '../codes';
import { clearFlowCookie, cookieFlow, endPreviousFlow, flowCookie, flowPost, preFlowCsrf, preFlowPost, unavailable, withCookies } from '../flow';
import { pukGonePage, pukLinkGonePage, pukLinkPage, pukLinkPath, pukShownPage, pukViewCodePage } from '../views/puk';

/**
 * R-PUK-2, the link of a released PUK (/recupero-puk/visualizza/<card id>.<secret>): a fresh code to
 * the phone on record, then the PUK once. The link alone shows nothing; the code alone opens nothing
 * but this link's PUK (the view's flow holds the link's hash).
 */
const KIND = PUK_VIEW_FLOW;
type ViewFlow = Flow<PukRecoveryStep, PukViewData>;

interface Link {
  token: string;
  card: CardStub;
  hash: string;
}

/** The card and the secret's hash a well-formed link names; null for anything else. */
async function linkIn(request: IRequest, env: Env): Promise<Link | null> {
  const token = String(request.params?.token ?? '');
  const parsed = parsePukLinkToken(token);
  const card = parsed ? cardByObjectId(env, parsed.cardId) : null;
  if (!parsed || !card) return null;
  return { token, card, hash: await sha256Base64Url(parsed.secret) };
}

/** This browser's view flow, when it is for this very link. */
async function viewFlowFor(request: Request, env: Env, link: Link): Promise<ViewFlow | null> {
  const flow = await cookieFlow(request, env, KIND);
  return flow && (await constantTimeEqual(flow.data.linkHash, link.hash)) ? flow : null;
}

/** GET — the code's page when this browser asked for one for this link, else the page that offers to send it. */
export async function showPukLink(request: IRequest, env: Env): Promise<Response> {
  const link = await linkIn(request, env);
  if (!link) return pukLinkGonePage();
  const flow = await viewFlowFor(request, env, link);
  if (flow) return pukViewCodePage({ csrf: flow.csrf, token: link.token, errors: [] });
  const contact = await link.card.pukLinkContact(link.hash);
  if (!contact) return pukLinkGonePage();
  const { token, cookie } = preFlowCsrf(request);
  const page = pukLinkPage({ csrf: token, token: link.token, phone: contact.phone });
  return cookie ? withCookies(page, cookie) : page;
}

/** POST — "Invia il codice": a view flow for this link, its code to the phone on record. */
export async function postPukLink(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  await preFlowPost(request);
  const link = await linkIn(request, env);
  const contact = link ? await link.card.pukLinkContact(link.hash) : null;
  if (!link || !contact) return pukLinkGonePage();
  await endPreviousFlow(request, env, KIND);
  const flow = await startFlow(env, KIND, 'otp', { serial: contact.serial, linkHash: link.hash });
  if (!flow) throw unavailable();
  await issueCode(env, ctx, flow, PUK_SUBJECT, phoneOnRecord(env, contact.serial));
  return withCookies(redirect(pukLinkPath(link.token)), flowCookie(request, KIND, flow.id));
}

/** A post inside the view flow of this link. */
async function viewPost(request: IRequest, env: Env): Promise<{ link: Link; flow: ViewFlow; form: Map<string, string> } | Response> {
  const { flow, form } = await flowPost(request, env, KIND);
  const link = await linkIn(request, env);
  if (!link || !(await constantTimeEqual(flow.data.linkHash, link.hash))) return pukLinkGonePage();
  return { link, flow, form };
}

const closed = (request: Request, response: Response) => withCookies(response, clearFlowCookie(request, KIND));

/** A refused code: the code's page again, or the flow's end (its cookie cleared). */
function refused(request: Request, flow: ViewFlow, link: Link, refusal: CodeRefusal): Response {
  if ('ended' in refusal) return closed(request, pukGonePage(refusal.ended));
  return pukViewCodePage({ csrf: flow.csrf, token: link.token, ...refusal.again });
}

/** POST …/codice — the fresh code; once right, the PUK, once (Card.viewPuk takes the link). */
export async function postPukViewCode(request: IRequest, env: Env): Promise<Response> {
  const posted = await viewPost(request, env);
  if (posted instanceof Response) return posted;
  const { link, flow, form } = posted;
  const parsed = parseOtp(form.get('otp'));
  if (!parsed.ok) return pukViewCodePage({ csrf: flow.csrf, token: link.token, errors: parsed.errors, invalid: true, status: 400 });
  const check = await checkCode(env, flow, PUK_SUBJECT, parsed.value);
  if (check.outcome !== 'ok') return refused(request, flow, link, codeRefusal(check, KIND.goneMessage));
  await endFlow(flow);
  const puk = await link.card.viewPuk(link.hash);
  return closed(request, puk ? pukShownPage(puk) : pukLinkGonePage());
}

/** POST …/invia — "Invia di nuovo" (R-OTP-3). */
export async function postPukViewResend(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const posted = await viewPost(request, env);
  if (posted instanceof Response) return posted;
  const { link, flow } = posted;
  const issued = await issueCode(env, ctx, flow, PUK_SUBJECT, phoneOnRecord(env, flow.data.serial));
  if (issued.issued) return pukViewCodePage({ csrf: flow.csrf, token: link.token, errors: [], info: CODE_RESENT });
  return refused(request, flow, link, resendRefusal(issued, PUK_SUBJECT, KIND.goneMessage));
}

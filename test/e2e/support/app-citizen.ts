import { activate, issueCard, latestCode, outbox } from '../../../scripts/lib/citizen-flows.mjs';
import { randomCitizen } from '../../../scripts/lib/citizens.mjs';
import { SoftwareAuthenticator } from '../../support/authenticator';
import { baseUrl, registryToken } from './server';

/** A JSON call to the App CieID API (or another machine endpoint), failing loudly on any non-2xx. */
export async function api(path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

export interface Approval {
  id: string;
  challenge: string;
  rpName?: string;
}

/** A citizen with activated credentials (SMS mode), issued and activated over HTTP. */
export async function activatedCitizen(citizen = randomCitizen()) {
  return activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) });
}

/**
 * An SMS-mode citizen certifies a phone (R-APP-1, R-APP-2, R-APP-3), then switches to App mode (R-ACC-3): the virtual
 * App CieID, with a software authenticator, that approves or denies what the pages ask of it.
 */
/** R-APP-1, R-APP-2, R-APP-3: the activated citizen certifies a phone; its authenticator and device session. */
export async function certifyDevice(holder: Awaited<ReturnType<typeof activatedCitizen>>) {
  const { citizen } = holder;
  const credentials = { username: citizen.fiscalCode, password: holder.password };
  const sent = (await outbox(baseUrl, citizen.phone)).length;
  const { flowId } = (await api('/app/certificazione', credentials)) as { flowId: string };
  await api(`/app/certificazione/${flowId}/otp`, { otp: await latestCode(baseUrl, citizen.phone, sent) });
  await api(`/app/certificazione/${flowId}/codice`, { code: 'a1b2c3' });
  const authenticator = await SoftwareAuthenticator.create();
  const options = (await api(`/app/certificazione/${flowId}/registrazione/opzioni`, {})) as { challenge: string };
  await api(`/app/certificazione/${flowId}/registrazione`, { response: await authenticator.register(options) });
  const { sessionToken } = (await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: 'Chromium', notifications: true })) as {
    sessionToken: string;
  };
  return { credentials, authenticator, sessionToken };
}

export async function citizenWithApp() {
  const holder = await activatedCitizen();
  const { citizen } = holder;
  const { credentials, authenticator, sessionToken } = await certifyDevice(holder);
  const sent = (await outbox(baseUrl, citizen.phone)).length;
  const change = (await api('/account/modalita', { ...credentials, mode: 'app' })) as { flowId: string };
  await api(`/account/modalita/${change.flowId}`, { otp: await latestCode(baseUrl, citizen.phone, sent) });
  const approve = async (approval: Approval) =>
    api(`/app/approvals/${approval.id}`, { decision: 'approve', assertion: await authenticator.assert(approval.challenge) }, sessionToken);
  const deny = async (approval: Approval) => api(`/app/approvals/${approval.id}`, { decision: 'deny' }, sessionToken);
  const pending = async () => ((await api('/app/approvals', undefined, sessionToken)) as { approvals: Approval[] }).approvals;
  /** The App scans a QR code's content: the approval it gets back is bound to that login and this device. */
  const scan = async (content: string) => (await api('/app/qr', { content }, sessionToken)) as unknown as Approval;
  return { citizen, holder, sessionToken, approve, deny, pending, scan };
}

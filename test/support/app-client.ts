import { latestCode } from './activation-client';
import { SoftwareAuthenticator, type AssertionOptions } from './authenticator';
import type { Holder } from './login-client';
import { call } from './worker';

/**
 * The App CieID as the tests drive it: JSON calls to /app, a software authenticator for the WebAuthn
 * ceremonies, and the device session it is given once certified.
 */
export const APP_CODE = 'a1b2c3';

export async function api(path: string, body?: unknown, token?: string, method?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  return call(path, { method: method ?? (body === undefined ? 'GET' : 'POST'), headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function expectStatus(res: Response, status: number): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text.slice(0, 400)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** R-APP-1, R-APP-2: password, SMS code and App code accepted; the flow is at the WebAuthn registration. */
export async function certificationAtRegistration(h: Holder): Promise<string> {
  const started = await expectStatus(await api('/app/certificazione', { username: h.citizen.fiscalCode, password: h.password }), 201);
  const flowId = String(started.flowId);
  await expectStatus(await api(`/app/certificazione/${flowId}/otp`, { otp: await latestCode(h.citizen.phone) }), 200);
  await expectStatus(await api(`/app/certificazione/${flowId}/codice`, { code: APP_CODE }), 200);
  return flowId;
}

export class VirtualApp {
  private constructor(
    readonly authenticator: SoftwareAuthenticator,
    readonly token: string,
    readonly deviceId: string,
  ) {}

  /** A whole certification (R-APP-1, R-APP-2, R-APP-3), as a citizen does it once per phone. */
  static async certify(h: Holder, device: { name?: string; notifications?: boolean } = {}): Promise<VirtualApp> {
    const flowId = await certificationAtRegistration(h);
    const authenticator = await SoftwareAuthenticator.create();
    const options = await expectStatus(await api(`/app/certificazione/${flowId}/registrazione/opzioni`), 200);
    const response = await authenticator.register(options as { challenge: string });
    await expectStatus(await api(`/app/certificazione/${flowId}/registrazione`, { response }), 200);
    const done = await expectStatus(
      await api(`/app/certificazione/${flowId}/dispositivo`, { deviceName: device.name ?? 'Telefono di prova', notifications: device.notifications ?? true }),
      201,
    );
    return new VirtualApp(authenticator, String(done.sessionToken), String(done.deviceId));
  }

  get(path: string): Promise<Response> {
    return api(path, undefined, this.token);
  }

  post(path: string, body: unknown): Promise<Response> {
    return api(path, body, this.token);
  }

  async approvals(): Promise<Approval[]> {
    return (await expectStatus(await this.get('/app/approvals'), 200)).approvals as Approval[];
  }

  /** The one pending approval for this login's RP, as the phone's notification shows it. */
  async pendingFor(rpName: string): Promise<Approval> {
    const found = (await this.approvals()).filter((a) => a.rpName === rpName);
    if (found.length !== 1) throw new Error(`expected one approval for ${rpName}, got ${found.length}`);
    return found[0]!;
  }

  async approve(approval: Approval, knobs: AssertionOptions & { challenge?: string } = {}): Promise<Response> {
    const assertion = await this.authenticator.assert(knobs.challenge ?? approval.challenge, knobs);
    return this.post(`/app/approvals/${approval.id}`, { decision: 'approve', assertion });
  }

  deny(approval: Approval): Promise<Response> {
    return this.post(`/app/approvals/${approval.id}`, { decision: 'deny' });
  }
}

export interface Approval {
  id: string;
  kind: 'push' | 'qr';
  rpName: string;
  level: number;
  attributes: string[];
  challenge: string;
  expiresAt: string;
}

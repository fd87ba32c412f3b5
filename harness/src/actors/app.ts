import { expectEqual, expectJson, expectMatch, expectStatus, fail } from '../core/assert.ts';
import type { CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import { SoftwareAuthenticator, type CeremonyKnobs, type RegistrationResponse } from './authenticator.ts';
import type { Citizen } from './citizen.ts';
import type { Page } from './html-page.ts';

/**
 * The virtual App CieID: the JSON API under /app (README, "App CieID API"), a software WebAuthn
 * authenticator for its ceremonies, and the device session it is given once certified (R-APP-1, R-APP-2, R-APP-3, R-APP-4).
 * Push notifications are read at GET /app/approvals, the deployment's stand-in for FCM/APNs.
 */

/** R-APP-2: six letters and digits, at least one of each, no digit thrice, no run like 123. */
export const APP_CODE = 'a1b2c3';

export interface Approval {
  id: string;
  kind: 'push' | 'qr';
  rpName: string;
  level: number;
  attributes: string[];
  challenge: string;
  expiresAt: string;
}

export interface ApiError {
  error?: string;
  error_description?: string;
  problems?: { field: string; message: string }[];
}

/** One JSON call to the deployment's App API, with the device session when there is one. */
export function appCall(ctx: CheckContext, method: string, path: string, options: { json?: unknown; token?: string } = {}): Promise<HttpResponse> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  return ctx.http.request(method, new URL(path, ctx.baseUrl), { headers, ...(options.json === undefined ? {} : { json: options.json }) });
}

/** The status and the JSON `error` code a refusal must carry. */
export function expectApiError(res: HttpResponse, status: number, error: string): ApiError {
  expectStatus(res, status);
  const body = expectJson<ApiError>(res);
  expectEqual(body.error, error, `the error code of ${res.url} (${status})`);
  return body;
}

/** The content of the level 2 page's QR code (`<div id="qr" data-qr-content="…">`). */
export function qrContent(page: Page): string {
  const match = /data-qr-content="([^"]+)"/.exec(page.html);
  if (!match) fail(`no QR code (data-qr-content) on ${page.describe()}`);
  return match[1]!.replace(/&amp;/g, '&');
}

/**
 * A device certification under way, step by step, so a check can stop at any step or break one:
 * username + password → SMS code → App code → WebAuthn registration → name and notifications.
 */
export class Certification {
  readonly citizen: Citizen;
  readonly flowId: string;
  readonly authenticator: SoftwareAuthenticator;
  /** SMS in the citizen's outbox before this certification's code. */
  readonly sentBefore: number;
  readonly started: Record<string, unknown>;

  private constructor(citizen: Citizen, flowId: string, authenticator: SoftwareAuthenticator, sentBefore: number, started: Record<string, unknown>) {
    this.citizen = citizen;
    this.flowId = flowId;
    this.authenticator = authenticator;
    this.sentBefore = sentBefore;
    this.started = started;
  }

  get ctx(): CheckContext {
    return this.citizen.ctx;
  }

  static async start(citizen: Citizen, password = citizen.password): Promise<Certification> {
    const sentBefore = await citizen.phone.count();
    const res = await appCall(citizen.ctx, 'POST', '/app/certificazione', { json: { username: citizen.fiscalCode, password } });
    expectStatus(res, 201);
    const started = expectJson<Record<string, unknown>>(res);
    const flowId = expectMatch(typeof started.flowId === 'string' ? started.flowId : null, /^[A-Za-z0-9_-]{20,}$/, "the certification's flowId");
    return new Certification(citizen, flowId, await SoftwareAuthenticator.create(), sentBefore, started);
  }

  private path(rest: string): string {
    return `/app/certificazione/${this.flowId}${rest}`;
  }

  /** The SMS code (the newest one sent since the start unless `otp`). */
  async sendOtp(otp?: string): Promise<HttpResponse> {
    return appCall(this.ctx, 'POST', this.path('/otp'), { json: { otp: otp ?? (await this.citizen.phone.latestCode(this.sentBefore)) } });
  }

  sendAppCode(code = APP_CODE): Promise<HttpResponse> {
    return appCall(this.ctx, 'POST', this.path('/codice'), { json: { code } });
  }

  /** The WebAuthn creation options (each call a new challenge). */
  async options(): Promise<{ challenge: string; rp?: { id?: string }; [k: string]: unknown }> {
    const res = await appCall(this.ctx, 'GET', this.path('/registrazione/opzioni'));
    expectStatus(res, 200);
    const options = expectJson<{ challenge: string; rp?: { id?: string } }>(res);
    expectMatch(options.challenge, /^[A-Za-z0-9_-]{16,}$/, 'the registration challenge');
    return options;
  }

  register(options: { challenge: string; rp?: { id?: string } }, knobs: CeremonyKnobs = {}): Promise<RegistrationResponse> {
    return this.authenticator.register(options, knobs);
  }

  sendRegistration(response: unknown): Promise<HttpResponse> {
    return appCall(this.ctx, 'POST', this.path('/registrazione'), { json: { response } });
  }

  sendDevice(body: Record<string, unknown>): Promise<HttpResponse> {
    return appCall(this.ctx, 'POST', this.path('/dispositivo'), { json: body });
  }

  /** Password and SMS code accepted, App code accepted: the flow is at the registration. */
  static async toRegistration(citizen: Citizen): Promise<Certification> {
    const cert = await Certification.start(citizen);
    expectStatus(await cert.sendOtp(), 200);
    expectStatus(await cert.sendAppCode(), 200);
    return cert;
  }

  /** Options, registration, device name: the certified App. */
  async finish(device: { name?: string; notifications?: boolean } = {}): Promise<VirtualApp> {
    expectStatus(await this.sendRegistration(await this.register(await this.options())), 200);
    const name = device.name ?? 'Telefono di prova';
    const res = await this.sendDevice({ deviceName: name, notifications: device.notifications ?? true });
    expectStatus(res, 201);
    const done = expectJson<{ deviceId?: unknown; sessionToken?: unknown; status?: unknown }>(res);
    const token = expectMatch(typeof done.sessionToken === 'string' ? done.sessionToken : null, /^\S{20,}$/, 'the device session token');
    const deviceId = expectMatch(typeof done.deviceId === 'string' ? done.deviceId : null, /^\S+$/, 'the deviceId');
    return new VirtualApp(this.citizen, this.authenticator, token, deviceId, name);
  }
}

export class VirtualApp {
  readonly citizen: Citizen;
  readonly authenticator: SoftwareAuthenticator;
  readonly token: string;
  readonly deviceId: string;
  readonly name: string;

  constructor(citizen: Citizen, authenticator: SoftwareAuthenticator, token: string, deviceId: string, name: string) {
    this.citizen = citizen;
    this.authenticator = authenticator;
    this.token = token;
    this.deviceId = deviceId;
    this.name = name;
  }

  /** A whole certification (R-APP-1, R-APP-2, R-APP-3), as a citizen does it once per phone. */
  static async certify(citizen: Citizen, device: { name?: string; notifications?: boolean } = {}): Promise<VirtualApp> {
    return (await Certification.toRegistration(citizen)).finish(device);
  }

  get ctx(): CheckContext {
    return this.citizen.ctx;
  }

  call(method: string, path: string, json?: unknown): Promise<HttpResponse> {
    return appCall(this.ctx, method, path, { token: this.token, ...(json === undefined ? {} : { json }) });
  }

  /** What the phone's notifications would show now. */
  async approvals(): Promise<Approval[]> {
    const res = await this.call('GET', '/app/approvals');
    expectStatus(res, 200);
    const body = expectJson<{ approvals?: Approval[] }>(res);
    if (!Array.isArray(body.approvals)) fail(`GET /app/approvals: no "approvals" list: ${res.text.slice(0, 200)}`);
    return body.approvals;
  }

  /** The one pending approval for this RP, as the notification shows it. */
  async pendingFor(rpName: string): Promise<Approval> {
    const found = (await this.approvals()).filter((a) => a.rpName === rpName);
    if (found.length !== 1) fail(`expected one pending approval for "${rpName}" on the App, found ${found.length}`);
    return found[0]!;
  }

  /** Approves with a WebAuthn assertion over the approval's challenge (or `challenge`). */
  async approve(approval: Approval, knobs: CeremonyKnobs & { challenge?: string } = {}): Promise<HttpResponse> {
    const assertion = await this.authenticator.assert(knobs.challenge ?? approval.challenge, knobs);
    return this.call('POST', `/app/approvals/${approval.id}`, { decision: 'approve', assertion });
  }

  deny(approval: Approval): Promise<HttpResponse> {
    return this.call('POST', `/app/approvals/${approval.id}`, { decision: 'deny' });
  }

  /** The camera read a QR code: its approval (201) or a refusal. */
  scan(content: string): Promise<HttpResponse> {
    return this.call('POST', '/app/qr', { content });
  }

  async devices(): Promise<{ id: string; name: string; status: string; current: boolean }[]> {
    const res = await this.call('GET', '/app/dispositivi');
    expectStatus(res, 200);
    return expectJson<{ devices: { id: string; name: string; status: string; current: boolean }[] }>(res).devices;
  }

  revoke(deviceId: string): Promise<HttpResponse> {
    return this.call('DELETE', `/app/dispositivi/${deviceId}`);
  }
}

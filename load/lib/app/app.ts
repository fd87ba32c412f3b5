import { check } from 'k6';
import { send, type Response } from '../http.ts';
import { appPost } from './api.ts';
import { SoftwareAuthenticator } from './authenticator.ts';
import type { Device } from './certify.ts';

/**
 * A certified App CieID inside a VU: it scans a level 2 page's QR code (POST /app/qr, R-LOG-3) and
 * approves the approval it gets with a WebAuthn assertion (POST /app/approvals/{id}).
 *
 * Signature counters: the server keeps each device's counter and takes an assertion only when its
 * counter is higher (compare-and-set, R-APP-4). The scenarios pick a device by iteration number, so a
 * device passes from VU to VU and no VU knows the last counter another one signed; the clock does:
 * the counter is the milliseconds since the pool's `epoch` (set at the end of setup()), and never
 * less than this VU's last one plus one. That holds as long as two uses of one device never overlap,
 * which the pools are sized for (lib/flows/qr-wait.ts); uint32 lasts 49 days of run.
 *
 * API:
 * - `App.of(device, epoch)`: async, this VU's App for that device (its key imported once per VU).
 * - `approveQr(content)`: async, scan then approve; true when the server said "approved" (each
 *   step is a k6 check, so a false return is already counted).
 */
interface Approval {
  id: string;
  challenge: string;
}

const inThisVu = new Map<string, App>();

const outcomeOf = (res: Response): unknown => {
  try {
    return (JSON.parse(res.body) as { outcome?: unknown }).outcome;
  } catch {
    return undefined;
  }
};

export class App {
  private counter = 0;

  private constructor(
    private readonly device: Device,
    private readonly authenticator: SoftwareAuthenticator,
    private readonly epoch: number,
  ) {}

  static async of(device: Device, epoch: number): Promise<App> {
    let app = inThisVu.get(device.deviceId);
    if (!app) {
      app = new App(device, await SoftwareAuthenticator.restore(device), epoch);
      inThisVu.set(device.deviceId, app);
    }
    return app;
  }

  private nextCounter(): number {
    this.counter = Math.max(this.counter + 1, Date.now() - this.epoch);
    return this.counter;
  }

  private scan(content: string): Approval | null {
    const res = send(appPost('/app/qr', { content }, 'app_qr', this.device.sessionToken));
    if (!check(res, { 'app: QR code scanned, approval opened': (r) => r.status === 201 })) return null;
    return JSON.parse(res.body) as Approval;
  }

  async approveQr(content: string): Promise<boolean> {
    const approval = this.scan(content);
    if (!approval) return false;
    const assertion = await this.authenticator.assert(approval.challenge, this.nextCounter());
    const res = send(appPost(`/app/approvals/${approval.id}`, { decision: 'approve', assertion }, 'app_approval', this.device.sessionToken));
    return check(res, { 'app: approval accepted': (r) => r.status === 200 && outcomeOf(r) === 'approved' });
  }
}

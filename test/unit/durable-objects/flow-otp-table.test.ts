import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { FlowOtpTable } from '../../../durable-objects/flow-otp-table';
import { OTP_MAX_WRONG } from '../../../functions/core/otp';
import { keyedHash, randomId } from '../../../functions/platform/crypto';

const SMS = 'login-sms';

describe('FlowOtpTable: the code, apart from the flow it belongs to (R-OTP-2)', () => {
  it("R-OTP-2: the fifth wrong code answers closed and writes nothing of the flow: closing it is the FlowSession's", async () => {
    const id = randomId();
    const stub = env.FLOW.get(env.FLOW.idFromName(id));
    const right = await keyedHash(env.DATA_KEY!, 'otp', `${SMS}:${id}:1234`);
    const wrong = await keyedHash(env.DATA_KEY!, 'otp', `${SMS}:${id}:0000`);
    const t0 = Date.now();
    await runInDurableObject(stub, async (flow, state) => {
      expect(await flow.start('login', 'otp', {}, 'csrf', 600_000, t0)).toBe(true);
      const otp = new FlowOtpTable(state.storage.sql);
      expect(otp.issue(SMS, right, t0)).toEqual({ issued: true });
      for (let remaining = OTP_MAX_WRONG - 1; remaining >= 1; remaining--) expect(otp.check(SMS, wrong, t0)).toEqual({ outcome: 'wrong', remaining });
      expect(otp.check(SMS, wrong, t0)).toEqual({ outcome: 'closed' });
      expect(Number(state.storage.sql.exec('SELECT closed FROM flow').one().closed)).toBe(0);
    });
  });
});

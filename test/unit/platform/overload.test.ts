import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_IN_FLIGHT,
  RETRY_AFTER_SECONDS,
  admit,
  isDurableObjectUnavailable,
  maxInFlight,
  requestsInFlight,
  unavailableFrom,
} from '../../../functions/platform/overload';

/** A request that stays in flight until the test lets it go. */
function held() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe('overload: admission by requests in flight', () => {
  it('MAX_IN_FLIGHT: a positive integer is taken; anything else keeps the default (shedding never turns off)', () => {
    expect(maxInFlight('8')).toBe(8);
    for (const bad of [undefined, '', '0', '-3', '2.5', 'many', ' ']) expect(maxInFlight(bad), String(bad)).toBe(DEFAULT_MAX_IN_FLIGHT);
  });

  it('sheds beyond the limit, at once, and admits again as requests finish', async () => {
    const shed = () => 'shed';
    const a = held();
    const b = held();
    const first = admit(2, async () => (await a.done, 'a'), shed);
    const second = admit(2, async () => (await b.done, 'b'), shed);
    expect(requestsInFlight()).toBe(2);
    expect(await admit(2, async () => 'c', shed)).toBe('shed');
    a.release();
    expect(await first).toBe('a');
    expect(await admit(2, async () => 'd', shed)).toBe('d');
    b.release();
    expect(await second).toBe('b');
    expect(requestsInFlight()).toBe(0);
  });

  it('a request that fails still leaves the count', async () => {
    await expect(
      admit(
        1,
        async () => Promise.reject(new Error('boom')),
        () => 'shed',
      ),
    ).rejects.toThrow('boom');
    expect(requestsInFlight()).toBe(0);
    expect(
      await admit(
        1,
        async () => 'ok',
        () => 'shed',
      ),
    ).toBe('ok');
  });
});

describe('overload: Durable Object failures of the platform become 503', () => {
  const overloaded = Object.assign(new Error('Durable Object is overloaded. Too many requests queued.'), { overloaded: true });
  const reset = Object.assign(new Error('Durable Object reset because its code was updated.'), { retryable: true });

  it("overloaded or retryable errors are the platform's: 503 temporarily_unavailable with Retry-After", () => {
    for (const err of [overloaded, reset]) {
      expect(isDurableObjectUnavailable(err)).toBe(true);
      const refusal = unavailableFrom(err);
      expect(refusal?.status).toBe(503);
      expect(refusal?.code).toBe('temporarily_unavailable');
      expect(refusal?.headers['Retry-After']).toBe(String(RETRY_AFTER_SECONDS));
      expect(refusal?.message).toMatch(/^[\x20-\x7e]+$/); // also an OAuth error_description: ASCII only
    }
  });

  it('anything else stays what it is (our own bugs are not hidden as overload)', () => {
    for (const err of [new Error('x'), new TypeError('y'), Object.assign(new Error('z'), { remote: true }), 'text', null, undefined]) {
      expect(isDurableObjectUnavailable(err)).toBe(false);
      expect(unavailableFrom(err)).toBeNull();
    }
  });
});

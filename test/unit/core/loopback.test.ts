import { describe, expect, it } from 'vitest';
import { developmentHostAllowed, isLoopbackHost } from '../../../functions/core/loopback';

describe('loopback hosts and DEVELOPMENT_HOSTS', () => {
  it('loopback is this machine only', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['127.0.0.2', 'localhost.example.it', '::1', '0.0.0.0', '']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('the development configuration: loopback, or a host named exactly', () => {
    expect(developmentHostAllowed('127.0.0.1', undefined)).toBe(true);
    expect(developmentHostAllowed('cieid-edge.example.workers.dev', undefined)).toBe(false);
    expect(developmentHostAllowed('staging.example.it', 'staging.example.it')).toBe(true);
    expect(developmentHostAllowed('staging.example.it', 'STAGING.example.it, other.example.it')).toBe(true);
    expect(developmentHostAllowed('x.staging.example.it', 'staging.example.it')).toBe(false);
    expect(developmentHostAllowed('', ',,')).toBe(false);
  });
});

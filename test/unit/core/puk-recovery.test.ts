import { describe, expect, it } from 'vitest';
import {
  PUK_LINK_TTL_MS,
  PUK_RELEASE_DELAY_MS,
  type PukRequest,
  earliestAlarm,
  parsePukLinkToken,
  pukLinkToken,
  pukRequestState,
  releaseAtFor,
  releaseSentence,
  spacedPuk,
} from '../../../functions/core/puk-recovery';

const T = Date.UTC(2026, 11, 2, 10, 0);
const waiting: PukRequest = { requestedAt: T, releaseAt: T + PUK_RELEASE_DELAY_MS, releasedAt: null, linkExpiresAt: null, viewedAt: null };
const released: PukRequest = { ...waiting, releasedAt: waiting.releaseAt, linkExpiresAt: waiting.releaseAt + PUK_LINK_TTL_MS };

describe('R-PUK-2: a PUK request and its 48 hours', () => {
  it('R-PUK-2: the release is 48 hours after the request', () => {
    expect(PUK_RELEASE_DELAY_MS).toBe(48 * 3600_000);
    expect(releaseAtFor(T)).toBe(T + 172_800_000);
  });

  it('R-PUK-2: waiting until released; released while its link is good; over once viewed or expired', () => {
    expect(pukRequestState(null, T)).toBe('none');
    expect(pukRequestState(waiting, T + 1)).toBe('waiting');
    // The alarm, not the clock, releases: past its time and not yet released it is still waiting.
    expect(pukRequestState(waiting, T + PUK_RELEASE_DELAY_MS + 1)).toBe('waiting');
    expect(pukRequestState(released, released.releasedAt! + 1)).toBe('released');
    expect(pukRequestState(released, released.linkExpiresAt!)).toBe('none');
    expect(pukRequestState({ ...released, viewedAt: released.releasedAt! + 5 }, released.releasedAt! + 6)).toBe('none');
  });

  it('R-PUK-2: "potrai vederlo dal …" in Rome time (CET in December, CEST in summer)', () => {
    expect(releaseSentence(Date.UTC(2026, 11, 4, 13, 5))).toBe('potrai vederlo dal 04/12/2026, 14:05');
    expect(releaseSentence(Date.UTC(2026, 6, 4, 13, 5))).toBe('potrai vederlo dal 04/07/2026, 15:05');
  });

  it('R-PUK-2: one alarm per object, at the earliest time any part waits for', () => {
    expect(earliestAlarm([])).toBeNull();
    expect(earliestAlarm([null, null])).toBeNull();
    expect(earliestAlarm([30, null, 10, 20])).toBe(10);
  });

  it('R-PUK-2: the link names the card and a 43-character secret; anything else names nothing', () => {
    const cardId = 'a'.repeat(64);
    const secret = 'B'.repeat(43);
    expect(parsePukLinkToken(pukLinkToken(cardId, secret))).toEqual({ cardId, secret });
    for (const bad of [
      '',
      `${cardId}.${secret}x`,
      `${'A'.repeat(64)}.${secret}`,
      `${cardId}${secret}`,
      `${cardId}.${secret.slice(1)}!`,
      `../${cardId}.${secret}`,
    ]) {
      expect([bad, parsePukLinkToken(bad)]).toEqual([bad, null]);
    }
  });

  it('R-PUK-2: the PUK shown in its two halves, as the letter and the receipt print them', () => {
    expect(spacedPuk('58201937')).toBe('5820 1937');
  });
});

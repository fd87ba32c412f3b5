import { describe, expect, it } from 'vitest';
import { PASSWORD_HISTORY_DEPTH, lastPasswords } from '../../../functions/core/password-history';

describe('R-ACC-2: the last passwords a new one may not repeat', () => {
  it('R-ACC-2: are 5, the current one first, then the replaced ones newest first', () => {
    expect(PASSWORD_HISTORY_DEPTH).toBe(5);
    expect(lastPasswords('now', ['p1', 'p2', 'p3', 'p4', 'p5'])).toEqual(['now', 'p1', 'p2', 'p3', 'p4']);
    expect(lastPasswords('now', [])).toEqual(['now']);
    expect(lastPasswords(null, ['p1'])).toEqual(['p1']);
  });
});

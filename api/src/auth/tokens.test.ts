import { describe, expect, it } from 'vitest';
import { displayPrefix, hashToken, mintToken, parseToken, tokenMatches } from './tokens.js';
import { randomIds } from '../shared/ids.js';

describe('tokens', () => {
  const rowId = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('round-trips kind and row id, and matches only its own hash', () => {
    const token = mintToken('rcp', rowId, randomIds);
    expect(token).toMatch(/^rcp_0f8fad5bd9cb469fa16570867728950e_[A-Za-z0-9_-]{43}$/);
    expect(parseToken(token)).toEqual({ kind: 'rcp', rowId });
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    const other = mintToken('rcp', rowId, randomIds);
    expect(other).not.toBe(token);
    expect(tokenMatches(other, hashToken(token))).toBe(false);
    expect(displayPrefix(token)).toBe('rcp_0f8fad5b');
  });

  it.each(['', 'garbage', 'Bearer x', 'rcx_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaaaaaa', 'rcs_0f8fad5b_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'rcs_0f8fad5bd9cb469fa16570867728950e_short'])(
    'rejects %j',
    (raw) => expect(parseToken(raw)).toBeNull(),
  );
});

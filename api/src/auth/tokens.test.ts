import { describe, expect, it } from 'vitest';
import { displayPrefix, hashToken, mintToken, parseToken, tokenMatches } from './tokens.js';
import { randomIds, type IdGenerator } from '../shared/ids.js';

describe('tokens', () => {
  const rowId = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const fixed: IdGenerator = { uuid: () => rowId, secret: (bytes) => 'S'.repeat(Math.ceil((bytes * 4) / 3)) };

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

  it('mints session tokens from the injected secret', () => {
    const token = mintToken('rcs', rowId, fixed);
    expect(token).toBe(`rcs_0f8fad5bd9cb469fa16570867728950e_${'S'.repeat(43)}`);
    expect(parseToken(token)).toEqual({ kind: 'rcs', rowId });
  });

  it('refuses a tampered token: any changed character of the secret fails the hash comparison', () => {
    const token = mintToken('rcs', rowId, randomIds);
    const stored = hashToken(token);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    const tampered = [`${token.slice(0, -1)}${last}`, `${token}x`, token.replace('_', '_0').slice(0, token.length)];
    for (const t of tampered) {
      expect(t).not.toBe(token);
      expect(tokenMatches(t, stored)).toBe(false);
    }
    // A token moved to another row id parses, but to that other row, whose hash it cannot match.
    const moved = token.replace('0f8fad5b', '1f8fad5b');
    expect(parseToken(moved)!.rowId).toBe('1f8fad5b-d9cb-469f-a165-70867728950e');
    expect(tokenMatches(moved, stored)).toBe(false);
    // Changing the kind does not turn a session into an API token.
    expect(tokenMatches(token.replace(/^rcs/, 'rcp'), stored)).toBe(false);
  });

  it('compares against a stored hash of another length as non-matching (no throw)', () => {
    const token = mintToken('rcp', rowId, randomIds);
    expect(tokenMatches(token, Buffer.alloc(0))).toBe(false);
    expect(tokenMatches(token, Buffer.alloc(16))).toBe(false);
  });

  it.each([
    '',
    'garbage',
    'Bearer x',
    'rcx_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaaaaaa',
    'rcs_0f8fad5b_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    'rcs_0f8fad5bd9cb469fa16570867728950e_short',
    'RCS_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaaaaaa',
    'rcs_0F8FAD5BD9CB469FA16570867728950E_aaaaaaaaaaaaaaaaaaaaaaaa',
    'rcs_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaa aaaa',
    ' rcs_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaaaaaa',
    'rcs_0f8fad5bd9cb469fa16570867728950e_aaaaaaaaaaaaaaaaaaaaaaaa\n',
  ])('rejects %j', (raw) => expect(parseToken(raw)).toBeNull());
});

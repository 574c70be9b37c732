import { createHash, timingSafeEqual } from 'node:crypto';
import type { IdGenerator } from '../shared/ids.js';

/** Token kinds by prefix: sign-in sessions, personal API tokens and SCIM bearer tokens of a list. */
export type TokenKind = 'rcs' | 'rcp' | 'sct';

/**
 * Tokens look like `rcp_<row id hex>_<secret>`. The row id finds the stored hash with an indexed
 * lookup; the whole token is then compared by SHA-256 hash in constant time.
 */
export function mintToken(kind: TokenKind, rowId: string, ids: IdGenerator): string {
  return `${kind}_${rowId.replace(/-/g, '')}_${ids.secret(32)}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Splits a token into its kind and row id, or null when it is not one of ours or not of `kinds`. */
export function parseToken(token: string, kinds: readonly TokenKind[] = ['rcs', 'rcp']): { kind: TokenKind; rowId: string } | null {
  const m = /^(rcs|rcp|sct)_([0-9a-f]{32})_[A-Za-z0-9_-]{20,}$/.exec(token);
  if (!m || !kinds.includes(m[1] as TokenKind)) return null;
  const hex = m[2]!;
  const rowId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { kind: m[1] as TokenKind, rowId };
}

export function tokenMatches(token: string, storedHash: Buffer): boolean {
  const actual = hashToken(token);
  return actual.length === storedHash.length && timingSafeEqual(actual, storedHash);
}

/** What a token list shows: enough to recognise a token, never enough to use it. */
export function displayPrefix(token: string): string {
  return token.slice(0, 12);
}

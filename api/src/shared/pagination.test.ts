import { describe, expect, it } from 'vitest';
import { clampPageSize, decodeCursor, encodeCursor } from './pagination.js';
import { AppError } from './errors.js';

describe('cursors and page sizes', () => {
  it.each([['E0001'], [42], [null], ['2026-11-23T00:00:00.123456Z'], [{ nested: true }]])('round-trips a sort value of %j', (v) => {
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(decodeCursor(encodeCursor({ v, id }))).toEqual({ v, id });
  });

  it.each(['', 'not base64!', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2,3]').toString('base64url')])('rejects the cursor %j', (raw) => {
    expect(() => decodeCursor(raw)).toThrow(AppError);
  });

  it('clamps page sizes and refuses nonsense', () => {
    expect(clampPageSize(undefined, 50, 500)).toBe(50);
    expect(clampPageSize(10_000, 50, 500)).toBe(500);
    expect(clampPageSize(1, 50, 500)).toBe(1);
    expect(() => clampPageSize(0, 50, 500)).toThrow(/from 1 to 500/);
    expect(() => clampPageSize(2.5, 50, 500)).toThrow(AppError);
  });
});

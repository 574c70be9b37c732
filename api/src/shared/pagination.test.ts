import { describe, expect, it } from 'vitest';
import { clampPageSize, decodeCursor, encodeCursor } from './pagination.js';
import { AppError } from './errors.js';

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function codeOf(fn: () => unknown): { code: string; details: Record<string, unknown> } | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return { code: (err as AppError).code, details: (err as AppError).details };
  }
}

describe('cursors', () => {
  it.each([['E0001'], [42], [-3.5], [true], [null], ['2026-11-23T00:00:00.123456Z'], ['Zoë "quoted" / 100%'], [{ nested: true }]])(
    'round-trips a sort value of %j',
    (v) => {
      const cursor = encodeCursor({ v, id });
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toEqual({ v, id });
    },
  );

  it.each([
    ['empty', ''],
    ['not base64', 'not base64!'],
    ['base64 of text', Buffer.from('hello').toString('base64url')],
    ['an object', raw({ a: 1 })],
    ['three elements', raw([1, 2, 3])],
    ['one element', raw([id])],
    ['a number as id', raw(['E1', 42])],
    ['an id that is not a UUID', raw(['E1', 'not-a-uuid'])],
    ['an id with SQL', raw(['E1', "x'::uuid; DROP TABLE person; --"])],
  ])('refuses a cursor that is %s with BAD_USER_INPUT on "after"', (_what, cursor) => {
    expect(codeOf(() => decodeCursor(cursor))).toEqual({ code: 'BAD_USER_INPUT', details: { field: 'after' } });
  });
});

describe('page sizes', () => {
  it.each<[number | null | undefined, number]>([
    [undefined, 50],
    [null, 50],
    [1, 1],
    [50, 50],
    [500, 500],
    [501, 500],
    [10_000, 500],
    [Number.MAX_SAFE_INTEGER, 500],
  ])('%j gives %j', (first, size) => {
    expect(clampPageSize(first, 50, 500)).toBe(size);
  });

  it.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %j with BAD_USER_INPUT on "first"', (first) => {
    expect(codeOf(() => clampPageSize(first, 50, 500))).toEqual({ code: 'BAD_USER_INPUT', details: { field: 'first' } });
    expect(() => clampPageSize(first, 50, 500)).toThrow(/from 1 to 500/);
  });
});

import { errors, type AppError } from './errors.js';
import { isUuid } from './ids.js';

/** Opaque keyset cursor: the sort value and id of the last row of a page. */
export interface Cursor {
  v: unknown;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.v, cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string' && isUuid(parsed[1])) {
      return { v: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

/** The error for an `after` cursor this API did not return (garbled, tampered or of another sort). */
export function invalidCursor(): AppError {
  return errors.badInput('The "after" cursor is not one this API returned; start again from the first page.', 'after');
}

/** Clamps a page size to 1..max, so a client cannot ask for an unbounded page. */
export function clampPageSize(first: number | null | undefined, fallback: number, max: number): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1) throw errors.badInput(`"first" must be a whole number from 1 to ${max}.`, 'first');
  return Math.min(first, max);
}

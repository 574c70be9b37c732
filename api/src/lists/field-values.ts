import type { FieldType, ListField } from './list.entities.js';
import { errors } from '../shared/errors.js';

export type FieldValue = string | number | boolean | null;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?[0-9 ().\-/]{3,30}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Decimal notation only: Number() would also read "0x10", "0b101" and "0o17" as numbers.
const DECIMAL_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off']);
const MAX_TEXT = 10_000;

/** What each type accepts, in words used by error messages and documentation. */
export const ACCEPTS: Record<FieldType, string> = {
  TEXT: 'any text up to 10,000 characters',
  EMAIL: 'an email address such as ada@example.org',
  PHONE: 'a phone number of digits, spaces, + ( ) - . / and an optional extension',
  NUMBER: 'a number such as 42 or -3.5',
  DATE: 'a date written YYYY-MM-DD, such as 2026-09-01',
  BOOLEAN: 'true or false (yes/no and 1/0 are accepted too)',
  URL: 'an http or https address',
  PHOTO: 'an http or https image address, or a data:image URL',
};

function fail(field: ListField, got: unknown): never {
  throw errors.badInput(`"${field.label}" (${field.key}) must be ${ACCEPTS[field.type]}; got ${JSON.stringify(got)}.`, field.key);
}

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/**
 * Validates and normalises one value for its field type. Empty strings become null. Throws
 * BAD_USER_INPUT naming the field and what it accepts.
 */
export function normaliseValue(field: ListField, raw: unknown): FieldValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.trim() === '') return null;
  switch (field.type) {
    case 'TEXT': {
      if (typeof raw !== 'string' && typeof raw !== 'number') fail(field, raw);
      const s = String(raw);
      if (s.length > MAX_TEXT) fail(field, `${s.slice(0, 20)}…`);
      return s;
    }
    case 'EMAIL': {
      if (typeof raw !== 'string') fail(field, raw);
      const s = raw.trim();
      if (!EMAIL_RE.test(s) || s.length > 320) fail(field, raw);
      return s;
    }
    case 'PHONE': {
      if (typeof raw !== 'string' && typeof raw !== 'number') fail(field, raw);
      const s = String(raw).trim();
      if (!PHONE_RE.test(s) || !/\d/.test(s)) fail(field, raw);
      return s;
    }
    case 'NUMBER': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL_RE.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (!Number.isFinite(n)) fail(field, raw);
      return n;
    }
    case 'DATE': {
      if (typeof raw !== 'string') fail(field, raw);
      // A full ISO 8601 timestamp is accepted and kept as its date part.
      const m = DATE_RE.exec(raw.trim());
      if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) fail(field, raw);
      return `${m[1]}-${m[2]}-${m[3]}`;
    }
    case 'BOOLEAN': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw !== 'string' && typeof raw !== 'number') fail(field, raw);
      const s = String(raw).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      return fail(field, raw);
    }
    case 'URL':
    case 'PHOTO': {
      if (typeof raw !== 'string') fail(field, raw);
      const s = raw.trim();
      if (field.type === 'PHOTO' && /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(s)) return s;
      // A photo Rollcall holds (imported from a directory), served by Rollcall itself.
      if (field.type === 'PHOTO' && PHOTO_PATH.test(s)) return s;
      // A photo uploaded in a session and approved, served by Rollcall.
      if (field.type === 'PHOTO' && SESSION_PHOTO_PATH.test(s)) return s;
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        return fail(field, raw);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(field, raw);
      return s;
    }
  }
}

/** Where Rollcall serves a photo it imported: /photos/<person id>?v=<content hash>. */
export const PHOTO_PATH = /^\/photos\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\?v=[0-9a-f]{8,64}$/;

/** Where Rollcall serves a photo uploaded in a session: /session-photos/<photo id>?v=<content hash>. */
export const SESSION_PHOTO_PATH = /^\/session-photos\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\?v=[0-9a-f]{8,64}$/;

/** The text form of a UID value, as stored in person.uid. */
export function uidText(value: FieldValue): string | null {
  if (value === null) return null;
  return String(value);
}

import { parse, type Filter } from 'scim2-parse-filter';
import { scimErrors } from './errors.js';
import { GROUP_URN, MULTI_VALUED, USER_URN } from '../rfc7643/urns.js';

export type { Filter } from 'scim2-parse-filter';

/**
 * JSON strings and negative numbers of a filter. scim2-parse-filter 0.2 reads neither right: it
 * doubles a string's escaped backslashes (`"a\\b"` became `a\\b`, `"a\\"` a syntax error) and
 * reads no negative number; RFC 7644 §3.4.2.2 takes compValue as JSON (RFC 7159).
 */
const LITERALS = /"(?:[^"\\]|\\.)*"|(?<=\s)-\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?=[\s)\]]|$)/g;

/** Parses a filter expression (RFC 7644 §3.4.2.2) with scim2-parse-filter; 400 invalidFilter when it is not one. */
export function parseFilter(text: string): Filter {
  if (text.length > 4096) throw scimErrors.invalidFilter('The filter is longer than 4096 characters.');
  const invalid = (why: string) => scimErrors.invalidFilter(`The filter "${text}" is not valid SCIM filter syntax (RFC 7644 §3.4.2.2): ${why}.`);
  // Each literal goes to the parser as a placeholder it reads plainly, and comes back as JSON reads it.
  const literals: unknown[] = [];
  const masked = text.replace(LITERALS, (literal) => {
    const value = jsonLiteral(literal);
    if (value === undefined) throw invalid(`${literal} is not a JSON value`);
    literals.push(value);
    return `"\ue000${literals.length - 1}"`;
  });
  let f: Filter;
  try {
    f = parse(masked);
  } catch (err) {
    throw invalid((err as Error).message.replace(/"\ue000(\d+)"/g, (_, i: string) => JSON.stringify(literals[Number(i)])));
  }
  return literals.length === 0 ? f : restoreLiterals(f, literals);
}

/** A literal as JSON reads it; a backslash that starts no JSON escape ("CONTOSO\jdoe" as some clients send it) is itself. */
function jsonLiteral(literal: string): unknown {
  for (const text of [literal, literal.replace(/\\(?!["\\/bfnrtu])/g, '\\\\')]) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // the lenient reading next, then refused
    }
  }
  return undefined;
}

function restoreLiterals(f: Filter, literals: unknown[]): Filter {
  const value = (v: unknown) => (typeof v === 'string' && /^\ue000\d+$/.test(v) ? literals[Number(v.slice(1))] : v);
  switch (f.op) {
    case 'and':
    case 'or':
      return { ...f, filters: (f as { filters: Filter[] }).filters.map((x) => restoreLiterals(x, literals)) } as Filter;
    case 'not':
      return { ...f, filter: restoreLiterals((f as { filter: Filter }).filter, literals) } as Filter;
    case '[]':
      return { ...f, valFilter: restoreLiterals((f as { valFilter: Filter }).valFilter, literals) } as Filter;
    case 'pr':
      return f;
    default:
      return { ...f, compValue: value((f as { compValue: unknown }).compValue) } as Filter;
  }
}

/** A property of an object by name, case-insensitively (attribute names are, RFC 7643 §2.1). */
export function keyOf(obj: Record<string, unknown>, name: string): string | undefined {
  if (name in obj) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The value an attribute path names in a resource or element, as the SQL of `storage/filter-sql.ts`
 * reads it: a URN-qualified path (`urn:…:enterprise:2.0:User:employeeNumber`, or the core schema's)
 * in its schema's object; a sub-attribute of a multi-valued attribute (`emails.value`) in every
 * element; a multi-valued attribute itself (`emails`) as its elements' `value`, and as no values
 * when absent (RFC 7644 §3.4.2.2). With `elements`, a multi-valued attribute is its elements (for `emails[…]`).
 */
function getIn(obj: unknown, attrPath: string, elements = false): unknown {
  let cur: unknown = obj;
  let path = attrPath;
  if (/^urn:/i.test(path)) {
    const lower = path.toLowerCase();
    const core = [USER_URN, GROUP_URN].find((u) => lower.startsWith(`${u.toLowerCase()}:`));
    const schema = core ?? (isObject(cur) ? Object.keys(cur).filter((k) => lower.startsWith(`${k.toLowerCase()}:`)).sort((a, b) => b.length - a.length)[0] : undefined);
    if (schema === undefined) return undefined;
    if (!core) cur = (cur as Record<string, unknown>)[schema];
    path = path.slice(schema.length + 1);
  }
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    if (Array.isArray(cur)) cur = cur.flatMap((el) => (isObject(el) ? [el[keyOf(el, part) ?? part]] : []));
    else if (isObject(cur)) {
      const k = keyOf(cur, part);
      cur = k === undefined ? undefined : cur[k];
    } else return undefined;
    if (i === 0 && MULTI_VALUED.has(part.toLowerCase()) && parts.length === 1 && !elements) {
      if (cur === undefined || cur === null) return [];
      if (Array.isArray(cur)) return cur.map((el) => (isObject(el) ? el[keyOf(el, 'value') ?? 'value'] : el));
    }
    if (i === 0 && MULTI_VALUED.has(part.toLowerCase()) && (cur === undefined || cur === null)) return [];
  }
  return cur;
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(actual: unknown, op: string, expected: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((a) => compare(a, op, expected));
  // An absent attribute is null: `title eq null` holds for a user without a title.
  if (actual === undefined) actual = null;
  if (op === 'pr') return actual !== undefined && actual !== null && actual !== '';
  // Booleans sent as strings ("True", Entra) compare as booleans.
  if (typeof actual === 'boolean' && typeof expected === 'string') expected = expected.toLowerCase() === 'true';
  if (typeof expected === 'boolean' && typeof actual === 'string') actual = actual.toLowerCase() === 'true';
  const a = norm(actual);
  const e = norm(expected);
  switch (op) {
    case 'eq':
      return a === e;
    case 'ne':
      return a !== e;
    case 'co':
      return typeof a === 'string' && typeof e === 'string' && a.includes(e);
    case 'sw':
      return typeof a === 'string' && typeof e === 'string' && a.startsWith(e);
    case 'ew':
      return typeof a === 'string' && typeof e === 'string' && a.endsWith(e);
    case 'gt':
      return a !== undefined && a !== null && (a as string) > (e as string);
    case 'ge':
      return a !== undefined && a !== null && (a as string) >= (e as string);
    case 'lt':
      return a !== undefined && a !== null && (a as string) < (e as string);
    case 'le':
      return a !== undefined && a !== null && (a as string) <= (e as string);
    default:
      throw scimErrors.invalidFilter(`Unknown operator "${op}".`);
  }
}

/**
 * Whether an element of a multi-valued attribute (an email, a member) matches a value filter,
 * as in `emails[type eq "work"]`: string comparisons ignore case (caseExact false, RFC 7643 §2.2).
 */
export function matches(element: unknown, f: Filter): boolean {
  switch (f.op) {
    case 'and':
      return (f as { filters: Filter[] }).filters.every((x) => matches(element, x));
    case 'or':
      return (f as { filters: Filter[] }).filters.some((x) => matches(element, x));
    case 'not':
      return !matches(element, (f as { filter: Filter }).filter);
    case '[]': {
      const v = f as { attrPath: string; valFilter: Filter };
      const arr = getIn(element, v.attrPath, true);
      return Array.isArray(arr) && arr.some((x) => matches(x, v.valFilter));
    }
    default: {
      const c = f as { op: string; attrPath: string; compValue?: unknown };
      return compare(getIn(element, c.attrPath), c.op, c.compValue);
    }
  }
}

/** The `attr eq value` terms of a filter joined by `and`: what a new element must hold to match it. */
export function equalities(f: Filter): Record<string, unknown> | null {
  if (f.op === 'eq') {
    const c = f as { attrPath: string; compValue: unknown };
    return c.attrPath.includes('.') ? null : { [c.attrPath]: c.compValue };
  }
  if (f.op === 'and') {
    const out: Record<string, unknown> = {};
    for (const x of (f as { filters: Filter[] }).filters) {
      const e = equalities(x);
      if (!e) return null;
      Object.assign(out, e);
    }
    return out;
  }
  return null;
}

import { parseFilter, keyOf, matches, type Filter } from '../rfc7644/filter.js';
import { scimErrors } from '../rfc7644/errors.js';
import { ENTERPRISE_URN, GROUP_URN, USER_URN } from './urns.js';

/**
 * An attribute path (RFC 7644 §3.5.2 PATH, §3.10): an optional schema URN, an attribute, an
 * optional value filter and an optional sub-attribute, e.g.
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` or
 * `emails[type eq "work"].value`.
 */
export interface AttrPath {
  /** An extension schema URN whose object holds the attribute; null for core attributes. */
  schema: string | null;
  attr: string;
  filter: Filter | null;
  sub: string | null;
}

const CORE = [USER_URN, GROUP_URN];
const NAME = '[A-Za-z$][\\w$-]*';
const SIMPLE = new RegExp(`^(${NAME})(?:\\[(.+)\\])?(?:\\.(${NAME}))?$`);

/** Splits a URN-qualified path into the schema and the rest. */
function splitUrn(path: string): { schema: string | null; rest: string } {
  if (!/^urn:/i.test(path)) return { schema: null, rest: path };
  const lower = path.toLowerCase();
  for (const urn of [...CORE, ENTERPRISE_URN]) {
    if (lower.startsWith(`${urn.toLowerCase()}:`)) return { schema: CORE.includes(urn) ? null : urn, rest: path.slice(urn.length + 1) };
  }
  // A custom extension: the attribute follows the last colon outside a value filter.
  const bracket = path.indexOf('[');
  const head = bracket === -1 ? path : path.slice(0, bracket);
  const colon = head.lastIndexOf(':');
  if (colon <= 4) throw scimErrors.invalidPath(`"${path}" names a schema but no attribute.`);
  return { schema: path.slice(0, colon), rest: path.slice(colon + 1) };
}

/** Parses a path; 400 invalidPath when it is not one. */
export function parsePath(path: string): AttrPath {
  const { schema, rest } = splitUrn(path.trim());
  const m = SIMPLE.exec(rest);
  if (!m) throw scimErrors.invalidPath(`"${path}" is not an attribute path (such as name.givenName or emails[type eq "work"].value).`);
  return { schema, attr: m[1]!, filter: m[2] ? parseFilter(m[2]) : null, sub: m[3] ?? null };
}

/** The object holding a path's attribute: the resource, or its extension object (created when asked). */
export function container(resource: Record<string, unknown>, schema: string | null, create: boolean): Record<string, unknown> | null {
  if (!schema) return resource;
  const k = keyOf(resource, schema);
  const cur = k === undefined ? undefined : resource[k];
  if (cur && typeof cur === 'object' && !Array.isArray(cur)) return cur as Record<string, unknown>;
  if (!create) return null;
  const made: Record<string, unknown> = {};
  resource[k ?? schema] = made;
  return made;
}

/**
 * The value a path reads in a resource, for mappings: the first matching element's sub-attribute
 * for a filtered multi-valued path. `emails[primary eq true].value` falls back to the first email
 * when none is marked primary (Microsoft Entra ID sends `emails[type eq "work"]` without `primary`).
 */
export function readPath(resource: Record<string, unknown>, path: string): unknown {
  const p = parsePath(path);
  const holder = container(resource, p.schema, false);
  if (!holder) return undefined;
  const k = keyOf(holder, p.attr);
  let value = k === undefined ? undefined : holder[k];
  if (p.filter) {
    if (!Array.isArray(value)) return undefined;
    const primary = p.filter.op === 'eq' && (p.filter as { attrPath: string }).attrPath.toLowerCase() === 'primary';
    value = value.find((el) => matches(el, p.filter!)) ?? (primary ? value[0] : undefined);
  } else if (Array.isArray(value) && p.sub) {
    value = value[0];
  }
  if (p.sub) {
    if (!value || typeof value !== 'object') return undefined;
    const sk = keyOf(value as Record<string, unknown>, p.sub);
    value = sk === undefined ? undefined : (value as Record<string, unknown>)[sk];
  }
  return value;
}

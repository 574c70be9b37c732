import type { Filter } from '../rfc7644/filter.js';
import { scimErrors } from '../rfc7644/errors.js';
import { parsePath } from '../rfc7643/paths.js';
import { MULTI_VALUED } from '../rfc7643/urns.js';

/**
 * RFC 7644 §3.4.2.2 filters as SQL over `scim_user su JOIN person p`: the attributes identity
 * providers search by have their own indexed columns (`userName` on `lower(user_name)`,
 * `externalId`, `id`, `meta.*`, `active`); any other attribute is read from the stored resource
 * in SQL. Nothing is filtered in memory. Values are always parameters; attribute names are
 * parameters too (jsonb keys), never spliced into the statement.
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

type Kind = 'ci' | 'exact' | 'time' | 'bool';
interface Column {
  expr: string;
  params: unknown[];
  kind: Kind;
}

/** xsd:dateTime (RFC 7643 §2.3.5), the date alone also accepted. */
const XSD_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A top-level or sub-attribute path's column, or a jsonb text expression of the resource. */
function column(attrPath: string, base: string, baseParams: unknown[]): Column {
  const lower = attrPath.toLowerCase();
  if (base === 'su.resource') {
    if (lower === 'id') return { expr: 'su.scim_id', params: [], kind: 'exact' };
    if (lower === 'username') return { expr: 'su.user_name', params: [], kind: 'ci' };
    if (lower === 'externalid') return { expr: 'su.external_id', params: [], kind: 'exact' };
    if (lower === 'active') return { expr: `(p.status = 'ACTIVE')`, params: [], kind: 'bool' };
    if (lower === 'meta.created') return { expr: 'su.created_at', params: [], kind: 'time' };
    if (lower === 'meta.lastmodified') return { expr: 'su.updated_at', params: [], kind: 'time' };
  }
  const p = parsePath(attrPath);
  const keys = [...(p.schema ? [p.schema] : []), p.attr, ...(p.sub ? [p.sub] : [])];
  const expr = `(${base}${keys.map(() => ' -> ?').join('')})`;
  return { expr: `(${expr} #>> '{}')`, params: [...baseParams, ...keys], kind: 'ci' };
}

function compare(col: Column, op: string, value: unknown): SqlFragment {
  const { expr, params, kind } = col;
  if (op === 'pr') return kind === 'bool' ? { sql: 'TRUE', params: [] } : { sql: `(${expr} IS NOT NULL AND ${expr}::text <> '')`, params: [...params, ...params] };
  if (kind === 'bool') {
    const b = typeof value === 'string' ? value.toLowerCase() : value;
    if (b !== true && b !== false && b !== 'true' && b !== 'false') throw scimErrors.invalidFilter(`"active" compares with true or false.`);
    if (op !== 'eq' && op !== 'ne') throw scimErrors.invalidFilter(`A boolean attribute supports eq, ne and pr, not ${op}.`);
    return { sql: `(${expr} ${op === 'eq' ? '=' : '<>'} ?)`, params: [...params, b === true || b === 'true'] };
  }
  if (value === null) {
    if (op === 'eq') return { sql: `(${expr} IS NULL)`, params };
    if (op === 'ne') return { sql: `(${expr} IS NOT NULL)`, params };
    throw scimErrors.invalidFilter(`null compares with eq or ne only.`);
  }
  if (kind === 'time') {
    // JavaScript reads more as dates than PostgreSQL does ("1", year 0, +275760): the value goes to
    // SQL as the ISO text of the instant JavaScript read, within the years both accept.
    const at = typeof value === 'string' && XSD_DATE.test(value.trim()) ? new Date(value.trim()) : null;
    if (!at || Number.isNaN(at.getTime()) || at.getUTCFullYear() < 1 || at.getUTCFullYear() > 9999) {
      throw scimErrors.invalidFilter(`Dates in filters are xsd:dateTime strings such as "2026-12-03T10:00:00Z".`);
    }
    if (['co', 'sw', 'ew'].includes(op)) throw scimErrors.invalidFilter(`A date supports eq, ne, gt, ge, lt, le and pr, not ${op}.`);
    value = at.toISOString();
  }
  const text = String(value);
  const ci = kind === 'ci';
  const lhs = ci ? `lower(${expr})` : expr;
  const rhs = kind === 'time' ? '?::timestamptz' : ci ? 'lower(?)' : '?';
  switch (op) {
    case 'eq':
      return { sql: `(${lhs} = ${rhs})`, params: [...params, text] };
    case 'ne':
      return { sql: `(${expr} IS NULL OR ${lhs} <> ${rhs})`, params: [...params, ...params, text] };
    case 'co':
      return { sql: `(${lhs} LIKE ${ci ? 'lower(?)' : '?'})`, params: [...params, `%${likeEscape(text)}%`] };
    case 'sw':
      return { sql: `(${lhs} LIKE ${ci ? 'lower(?)' : '?'})`, params: [...params, `${likeEscape(text)}%`] };
    case 'ew':
      return { sql: `(${lhs} LIKE ${ci ? 'lower(?)' : '?'})`, params: [...params, `%${likeEscape(text)}`] };
    case 'gt':
      return { sql: `(${lhs} > ${rhs})`, params: [...params, text] };
    case 'ge':
      return { sql: `(${lhs} >= ${rhs})`, params: [...params, text] };
    case 'lt':
      return { sql: `(${lhs} < ${rhs})`, params: [...params, text] };
    case 'le':
      return { sql: `(${lhs} <= ${rhs})`, params: [...params, text] };
    default:
      throw scimErrors.invalidFilter(`Unknown operator "${op}".`);
  }
}

let aliasCounter = 0;

/** `emails[type eq "work"]` or `emails.value co "x"`: some element of the array matches. */
function elementsMatch(base: string, baseParams: unknown[], path: { schema: string | null; attr: string }, inner: (alias: string) => SqlFragment): SqlFragment {
  const alias = `e${++aliasCounter % 1000}`;
  const keys = [...(path.schema ? [path.schema] : []), path.attr];
  const arr = `(${base}${keys.map(() => ' -> ?').join('')})`;
  const body = inner(`${alias}.v`);
  return {
    sql: `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${arr}) = 'array' THEN ${arr} ELSE '[]'::jsonb END) AS ${alias}(v) WHERE ${body.sql})`,
    params: [...baseParams, ...keys, ...baseParams, ...keys, ...body.params],
  };
}

/** Translates a parsed filter into a WHERE condition. */
export function filterToSql(f: Filter, base = 'su.resource', baseParams: unknown[] = []): SqlFragment {
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = (f as { filters: Filter[] }).filters.map((x) => filterToSql(x, base, baseParams));
      return { sql: `(${parts.map((x) => x.sql).join(f.op === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((x) => x.params) };
    }
    case 'not': {
      const inner = filterToSql((f as { filter: Filter }).filter, base, baseParams);
      return { sql: `(NOT coalesce(${inner.sql}, false))`, params: inner.params };
    }
    case '[]': {
      const v = f as { attrPath: string; valFilter: Filter };
      const path = parsePath(v.attrPath);
      return elementsMatch(base, baseParams, path, (el) => filterToSql(v.valFilter, el, []));
    }
    default: {
      const c = f as { op: string; attrPath: string; compValue?: unknown };
      const path = base === 'su.resource' ? parsePath(c.attrPath) : null;
      // A sub-attribute of a multi-valued attribute (emails.value), or the attribute itself
      // (emails, meaning its "value"): some element matches (RFC 7644 §3.4.2.2).
      if (path && !path.filter && MULTI_VALUED.has(path.attr.toLowerCase())) {
        const sub = path.sub ?? 'value';
        return elementsMatch(base, baseParams, path, (el) => compare(column(sub, el, []), c.op, c.compValue));
      }
      return compare(column(c.attrPath, base, baseParams), c.op, c.compValue);
    }
  }
}

/** The ORDER BY expression of `sortBy` (RFC 7644 §3.4.2.3), with its parameters. */
export function sortExpression(sortBy: string): SqlFragment {
  const col = column(sortBy, 'su.resource', []);
  return { sql: col.kind === 'ci' ? `lower(${col.expr})` : col.expr, params: col.params };
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { errors } from '../shared/errors.js';
import { clampPageSize, decodeCursor, encodeCursor, invalidCursor } from '../shared/pagination.js';
import type { Person, PersonStatus, PersonValues } from './person.entity.js';

export type StatusFilter = 'ACTIVE' | 'INACTIVE' | 'ALL';
export type FilterOperator = 'EQ' | 'NE' | 'CONTAINS' | 'STARTS_WITH' | 'IS_EMPTY' | 'IS_NOT_EMPTY' | 'GT' | 'LT';

export interface PeopleQuery {
  first?: number | null;
  after?: string | null;
  status?: StatusFilter | null;
  search?: string | null;
  sort?: { field: string; direction?: 'ASC' | 'DESC' | null } | null;
  filters?: Array<{ field: string; operator: FilterOperator; value?: string | null }> | null;
  /** Count the matches too (costly on large lists; skipped when the caller does not want it). */
  withCount?: boolean;
}

export interface PeoplePage {
  people: Person[];
  cursors: string[];
  hasNextPage: boolean;
  endCursor: string | null;
  /** Null when the count was not asked for. */
  totalCount: number | null;
}

export const MAX_PAGE = 500;
const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;

type SortKind = 'text' | 'timestamp' | 'jsonb';

/**
 * The sort expression for a field. Field values sort as jsonb, which orders numbers numerically,
 * strings as text and missing values (coalesced to JSON null) first; the expression matches the
 * per-key index built when the field is added, so keyset pages use an index scan.
 */
/** Sorts on person columns, which have indexes of their own; any other sort is by a field's value. */
export const BUILT_IN_SORTS: ReadonlySet<string> = new Set(['uid', 'createdAt', 'updatedAt']);

function sortExpression(field: string): { expr: string; kind: SortKind } {
  if (field === 'uid') return { expr: 'p.uid', kind: 'text' };
  if (field === 'createdAt') return { expr: 'p.created_at', kind: 'timestamp' };
  if (field === 'updatedAt') return { expr: 'p.updated_at', kind: 'timestamp' };
  if (!KEY_RE.test(field)) throw errors.badInput(`Cannot sort by "${field}": use a field key, uid, createdAt or updatedAt.`, 'sort');
  return { expr: `coalesce(p."values"->'${field}', 'null'::jsonb)`, kind: 'jsonb' };
}

function castFor(kind: SortKind): string {
  return kind === 'text' ? '?::text' : kind === 'timestamp' ? '?::timestamptz' : '?::jsonb';
}

const CURSOR_TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * A cursor's sort value as a query parameter of its sort's kind. A value of another kind (a
 * tampered cursor, or one from another sort) is refused here rather than failing the SQL cast.
 */
function cursorParam(kind: SortKind, v: unknown): unknown {
  if (kind === 'jsonb') return JSON.stringify(v);
  if (typeof v !== 'string') throw invalidCursor();
  // Microseconds are beyond Date; the round trip checks the rest is a real instant (no 30 February).
  if (kind === 'timestamp') {
    const at = new Date(v);
    if (!CURSOR_TIMESTAMP_RE.test(v) || Number.isNaN(at.getTime()) || at.toISOString().slice(0, 23) !== v.slice(0, 23)) throw invalidCursor();
  }
  return v;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * An ordered comparison (GT, LT) of a jsonb value with a filter value: stored numbers compare
 * numerically with a numeric filter value, stored text (dates included) as text. jsonb orders
 * every string below every number, so comparing "205" with the number 150 would never hold.
 */
function orderedComparison(json: string, op: '>' | '<', value: string): { sql: string; params: unknown[] } {
  const n = Number(value);
  const text = { sql: `(jsonb_typeof(${json}) = 'string' AND ${json} ${op} ?::jsonb)`, params: [JSON.stringify(value)] };
  if (value.trim() === '' || !Number.isFinite(n)) return text;
  return { sql: `(${text.sql} OR (jsonb_typeof(${json}) = 'number' AND ${json} ${op} ?::jsonb))`, params: [...text.params, JSON.stringify(n)] };
}

/**
 * WHERE conditions on `person p` shared by the page and the count (and by a session's snapshot,
 * which takes the people a listing shows).
 */
export function peopleConditions(query: PeopleQuery): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  const status = query.status ?? 'ACTIVE';
  if (status !== 'ALL') {
    sql.push('p.status = ?');
    params.push(status);
  }
  const search = query.search?.trim().toLowerCase();
  if (search) {
    sql.push(`p.search_text LIKE ? ESCAPE '\\'`);
    params.push(`%${likeEscape(search)}%`);
  }
  for (const f of query.filters ?? []) {
    if (f.field !== 'uid' && !KEY_RE.test(f.field)) throw errors.badInput(`Cannot filter by "${f.field}": use a field key or uid.`, 'filters');
    const text = f.field === 'uid' ? 'p.uid' : `(p."values"->>'${f.field}')`;
    const json = f.field === 'uid' ? 'to_jsonb(p.uid)' : `(p."values"->'${f.field}')`;
    const needsValue = f.operator !== 'IS_EMPTY' && f.operator !== 'IS_NOT_EMPTY';
    if (needsValue && (f.value === undefined || f.value === null)) {
      throw errors.badInput(`The ${f.operator} filter on "${f.field}" needs a value.`, 'filters');
    }
    const v = f.value ?? '';
    switch (f.operator) {
      case 'EQ':
        sql.push(`lower(${text}) = lower(?)`);
        params.push(v);
        break;
      case 'NE':
        sql.push(`lower(coalesce(${text}, '')) <> lower(?)`);
        params.push(v);
        break;
      case 'CONTAINS':
        sql.push(`${text} ILIKE ? ESCAPE '\\'`);
        params.push(`%${likeEscape(v)}%`);
        break;
      case 'STARTS_WITH':
        sql.push(`${text} ILIKE ? ESCAPE '\\'`);
        params.push(`${likeEscape(v)}%`);
        break;
      case 'IS_EMPTY':
        sql.push(`coalesce(${text}, '') = ''`);
        break;
      case 'IS_NOT_EMPTY':
        sql.push(`coalesce(${text}, '') <> ''`);
        break;
      case 'GT':
      case 'LT': {
        const c = orderedComparison(json, f.operator === 'GT' ? '>' : '<', v);
        sql.push(c.sql);
        params.push(...c.params);
        break;
      }
    }
  }
  return { sql, params };
}

interface Row {
  list_id: string;
  id: string | null;
  organization_id: string;
  uid: string;
  status: PersonStatus;
  values: PersonValues;
  source: string | null;
  source_anchor: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
  sort_value: unknown;
}

/**
 * One keyset page and the total, as two statements run concurrently. The page is read through
 * the organisation's master_list row, so a list of another organisation answers null (not found)
 * and an empty list answers an empty page.
 */
export async function queryPeople(
  em: EntityManager,
  organizationId: string,
  listId: string,
  query: PeopleQuery,
): Promise<PeoplePage | null> {
  const limit = clampPageSize(query.first, 50, MAX_PAGE);
  const { expr, kind } = sortExpression(query.sort?.field ?? 'uid');
  const desc = query.sort?.direction === 'DESC';
  const where = peopleConditions(query);
  const pageWhere = [...where.sql];
  const pageParams = [...where.params];
  if (query.after) {
    const cursor = decodeCursor(query.after);
    pageWhere.push(`(${expr}, p.id) ${desc ? '<' : '>'} (${castFor(kind)}, ?::uuid)`);
    pageParams.push(cursorParam(kind, cursor.v), cursor.id);
  }
  const dir = desc ? 'DESC' : 'ASC';
  // Timestamps travel in cursors as text with microseconds: a JS Date would drop them and let a
  // page boundary skip or repeat rows created in the same millisecond.
  const sortValue = kind === 'timestamp' ? `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : expr;
  const filterSql = (w: string[]) => (w.length ? ` AND ${w.join(' AND ')}` : '');
  const pageSql = `
    SELECT l.id AS list_id, p.* FROM master_list l
    LEFT JOIN LATERAL (
      SELECT p.id, p.organization_id, p.uid, p.status, p."values", p.source, p.source_anchor, p.version,
             p.created_at, p.updated_at, p.deactivated_at, ${sortValue} AS sort_value
        FROM person p
       WHERE p.list_id = l.id${filterSql(pageWhere)}
       ORDER BY ${expr} ${dir}, p.id ${dir}
       LIMIT ?
    ) p ON true
    WHERE l.id = ? AND l.organization_id = ?`;
  const countSql = `SELECT count(*)::int AS n FROM person p WHERE p.list_id = ? AND p.organization_id = ?${filterSql(where.sql)}`;
  const [rows, counted] = await Promise.all([
    em.execute<Row[]>(pageSql, [...pageParams, limit + 1, listId, organizationId]),
    query.withCount === false ? Promise.resolve(null) : em.execute<Array<{ n: number }>>(countSql, [listId, organizationId, ...where.params]),
  ]);
  if (rows.length === 0) return null;
  const found = rows.filter((r) => r.id !== null).slice(0, limit);
  const people = found.map(
    (r): Person => ({
      id: r.id!,
      organizationId: r.organization_id,
      listId: r.list_id,
      uid: r.uid,
      status: r.status,
      values: r.values,
      source: r.source,
      sourceAnchor: r.source_anchor,
      version: r.version,
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
      deactivatedAt: r.deactivated_at ? new Date(r.deactivated_at) : null,
    }),
  );
  const cursors = found.map((r) => encodeCursor({ v: r.sort_value, id: r.id! }));
  return {
    people,
    cursors,
    hasNextPage: rows.filter((r) => r.id !== null).length > limit,
    endCursor: cursors.at(-1) ?? null,
    totalCount: counted ? (counted[0]?.n ?? 0) : null,
  };
}

import type { Clock } from '../../shared/clock.js';
import type { RawSql } from '../../db/raw-sql.js';
import type { EventBus, PersonEvent } from '../../events/event-bus.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUniqueViolation } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { isDeepStrictEqual } from 'node:util';
import type { ListField } from '../../lists/list.entities.js';
import { mapRecord, type FieldMappingRule } from '../../sync/engine/mapping.js';
import { applyPlan, loadCandidates } from '../../sync/engine/apply.js';
import { emptyPlan, plan } from '../../sync/engine/plan.js';
import type { CurrentPerson, DesiredPerson, PlanOptions } from '../../sync/engine/types.js';
import { readPath } from '../rfc7643/paths.js';
import { RESOURCE_RESERVED, userJson, type UserText } from '../rfc7643/user.js';
import { scimErrors } from '../rfc7644/errors.js';
import type { Filter } from '../rfc7644/filter.js';
import { filterToSql, sortExpression } from './filter-sql.js';
import { ANCHOR_EVERY, PageAnchors } from './page-anchors.js';
import { Coalescer, type Pending } from './coalescer.js';
import { SCIM_PROVIDER, type ScimCaller } from '../scim-connections.service.js';
import { GROUPS_ATTRIBUTE } from './scim-groups.store.js';

/** A provisioned user as a read shows it: Rollcall's SCIM id, the IdP's identifiers, the resource, the person's status. */
export interface ListedUser {
  personId: string;
  scimId: string;
  userName: string;
  externalId: string | null;
  resource: Record<string, unknown>;
  active: boolean;
  /** The ETag's opaque version (RFC 7644 §3.14): changes with every write of the user or the person. */
  version: string;
  createdAt: Date;
  updatedAt: Date;
  /** The groups the user is a member of, as `{ value: group id, display }`. */
  groups: Array<{ value: string; display: string }>;
}

/** A provisioned user as stored, with the person as the engine plans against it (for writes). */
export interface StoredUser extends ListedUser {
  person: CurrentPerson;
}

type ListedRow = {
  person_id: string;
  scim_id: string;
  user_name: string;
  external_id: string | null;
  resource: Record<string, unknown>;
  su_version: number;
  p_version: number;
  status: string;
  created_at: string;
  updated_at: string;
  groups: Array<{ value: string; display: string }>;
};
type Row = ListedRow & { uid: string; values: Record<string, unknown>; source: string | null; source_anchor: string | null };
/** The user's groups in the same statement (no second round trip per read). */
const GROUPS = `(SELECT coalesce(jsonb_agg(jsonb_build_object('value', g.id, 'display', g.display_name) ORDER BY lower(g.display_name)), '[]'::jsonb)
    FROM scim_group_member m JOIN scim_group g ON g.id = m.group_id WHERE m.person_id = su.person_id) AS groups`;
/** What reads return (lookups and pages read no person values: they do not show them). */
const LISTED = `su.person_id, su.scim_id, su.user_name, su.external_id, su.resource, su.version AS su_version, p.version AS p_version, p.status, su.created_at, su.updated_at, ${GROUPS}`;
/** ISO 8601 in UTC to the millisecond, as `Date.toISOString` writes it (to_char's MS truncates, as a Date parsed from PostgreSQL's text does). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/**
 * What list pages read (`UserText`), with parameters the list id and its SCIM base URL: the
 * resource without RESOURCE_RESERVED (one jsonb copy, `r.rest`), its extension URNs (looked for
 * only when its text has a `"urn:`), and the groups as JSON with their `$ref`, read only when the
 * list has groups (one probe per page, not per user).
 */
const USER_TEXT: Select = {
  columns: `su.scim_id, su.user_name, su.external_id, p.status = 'ACTIVE' AS active, su.version || '.' || p.version AS version, r.rest,
  CASE WHEN r.rest ILIKE '%"urn:%' THEN (SELECT json_agg(k)::text FROM jsonb_object_keys(su.resource) k WHERE k ~* '^urn:') END AS extensions,
  CASE WHEN (SELECT EXISTS (SELECT 1 FROM scim_group WHERE list_id = (SELECT ?::uuid))) THEN
    (SELECT json_agg(json_build_object('value', g.id, 'display', g.display_name, '$ref', (SELECT ?::text) || '/Groups/' || g.id) ORDER BY lower(g.display_name))::text
       FROM scim_group_member m JOIN scim_group g ON g.id = m.group_id WHERE m.person_id = su.person_id) END AS groups,
  ${iso('su.created_at')} AS created, ${iso('su.updated_at')} AS last_modified`,
  joins: `CROSS JOIN LATERAL (SELECT (su.resource - '{${RESOURCE_RESERVED.join(',')}}'::text[])::text AS rest) r`,
  params: (listId, base) => [listId, base],
};
type TextRow = { scim_id: string; user_name: string; external_id: string | null; active: boolean; version: string; rest: string; extensions: string | null; groups: string | null; created: string; last_modified: string };
const toText = (r: TextRow): UserText => ({
  scimId: r.scim_id,
  userName: r.user_name,
  externalId: r.external_id,
  active: r.active,
  version: r.version,
  rest: r.rest,
  extensions: r.extensions,
  groups: r.groups,
  created: r.created,
  lastModified: r.last_modified,
});
/** What writes need: the listed columns and the person. */
const COLUMNS = `${LISTED}, p.uid, p."values", p.source, p.source_anchor`;
const SELECT = `SELECT ${COLUMNS} FROM scim_user su JOIN person p ON p.id = su.person_id`;
const toListed = (r: ListedRow): ListedUser => ({
  personId: r.person_id,
  scimId: r.scim_id,
  userName: r.user_name,
  externalId: r.external_id,
  resource: r.resource,
  active: r.status === 'ACTIVE',
  version: `${r.su_version}.${r.p_version}`,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  groups: r.groups,
});
const toUser = (r: Row): StoredUser => ({
  ...toListed(r),
  person: { id: r.person_id, uid: r.uid, status: r.status as CurrentPerson['status'], values: r.values as CurrentPerson['values'], source: r.source, sourceAnchor: r.source_anchor },
});

/**
 * The SCIM identity row of the person in CTE `from` (its `id`), inserted or updated: parameters
 * organisation, list, SCIM id, userName, externalId, resource, created and updated time. As a CTE
 * named `su` (`named`), or the bare statement (an `Attach` CTE).
 */
function identityUpsert(from: string, named = true): string {
  const sql = `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, external_id, resource, version, created_at, updated_at)
    SELECT x.id, ?, ?, ?, ?, ?, ?::jsonb, 1, ?, ? FROM ${from} x
    ON CONFLICT (person_id) DO UPDATE SET scim_id = EXCLUDED.scim_id, user_name = EXCLUDED.user_name, external_id = EXCLUDED.external_id,
      resource = EXCLUDED.resource, version = scim_user.version + 1, updated_at = EXCLUDED.updated_at
    RETURNING *`;
  return named ? `su AS (${sql})` : sql;
}

/** How long a list's write context is used without reading it again (a change reaches every process at once through the event bus). */
const CONTEXT_CACHE_MS = 5_000;
const CONTEXT_CACHE_MAX = 10_000;

/** What a write needs of the list, read in one statement: its UID field, fields and SCIM mappings. */
export interface WriteContext {
  uidKey: string | null;
  fields: Map<string, ListField>;
  rules: FieldMappingRule[];
}
type ContextRow = { uid_key: string | null; fields: ListField[] | null; rules: FieldMappingRule[] };
/** The context's columns for the list id as $1; the groups field is written from membership, never from the user resource. */
const CONTEXT = `(SELECT f.key FROM master_list l JOIN list_field f ON f.id = l.uid_field_id WHERE l.id = $1) AS uid_key,
  (SELECT jsonb_agg(jsonb_build_object('id', f.id, 'organizationId', f.organization_id, 'listId', f.list_id, 'key', f.key, 'label', f.label, 'type', f.type, 'required', f.required, 'description', f.description, 'position', f.position, 'createdAt', f.created_at))
     FROM list_field f WHERE f.list_id = $1) AS fields,
  (SELECT coalesce(jsonb_agg(jsonb_build_object('sourceAttribute', m.source_attribute, 'fieldKey', f.key, 'transform', m.transform) ORDER BY f.position), '[]'::jsonb)
     FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = $1 AND m.provider = '${SCIM_PROVIDER}' AND m.source_attribute NOT IN ('photo', '${GROUPS_ATTRIBUTE}')) AS rules`;
/** A user by list and SCIM id ($1, $2), alone and with the list's write context. */
const GET = `${SELECT} WHERE su.list_id = $1 AND su.scim_id = $2`;
const CONTEXT_ALONE = `SELECT ${CONTEXT}`;
const GET_FOR_WRITE = `SELECT ${COLUMNS}, ${CONTEXT} FROM scim_user su JOIN person p ON p.id = su.person_id WHERE su.list_id = $1 AND su.scim_id = $2`;
const toContext = (r: ContextRow): WriteContext => ({ uidKey: r.uid_key, fields: new Map((r.fields ?? []).map((f) => [f.key, f])), rules: r.rules });

/** How many users created since a list's last remembered position a deep page counts in its own statement. */
const TAIL_CAP = 10_000;
/** What a page reads of each user (`su`, its person `p`): columns, further joins, and the parameters of both given the list id and base URL. */
interface Select {
  columns: string;
  joins: string;
  params: (listId: string, base: string) => unknown[];
}
const LISTED_SELECT: Select = { columns: LISTED, joins: '', params: () => [] };

export interface ListQuery {
  filter: Filter | null;
  sortBy: string | null;
  descending: boolean;
  startIndex: number;
  count: number;
}

/** What a write did to the person, for the provisioning log. */
export type WriteOutcome = 'create' | 'update' | 'deactivate' | 'reactivate';

/**
 * A create or replace: `scimId` is the user's id (new for a create); `active` comes from the
 * resource (true when absent on a create); `existing` is the user replaced and its list's context.
 */
export interface WriteInput {
  scimId: string;
  resource: Record<string, unknown>;
  userName: string;
  externalId: string | null;
  active: boolean | null;
  existing: { user: StoredUser; context: WriteContext } | null;
}
export interface WriteResult {
  user: StoredUser;
  outcome: WriteOutcome | null;
}
/** A write mapped and checked, ready to plan: the person it wants and what planning it needs. */
interface Prepared {
  caller: ScimCaller;
  actor: Actor;
  input: WriteInput;
  person: DesiredPerson;
  uid: string;
  uidKey: string;
  /** How the UID is named to the client (its SCIM attribute). */
  uidLabel: string;
  rules: FieldMappingRule[];
}

/** How SCIM plans a write: its own people, matched by anchor then UID, never by email; owned fields are the mapped ones. */
const planOptions = (uidKey: string, rules: FieldMappingRule[]): PlanOptions => ({
  source: SCIM_PROVIDER,
  uidKey,
  emailKey: null,
  ownedKeys: rules.map((r) => r.fieldKey),
  mode: 'delta',
  removedAnchors: [],
  createInactive: true,
});

/**
 * SCIM users in PostgreSQL. Reads are single indexed statements; every write goes through the
 * reconciliation engine: the resource is mapped with the list's mappings, planned against the
 * people it can match, and applied by `applyPlan` (locks, audit rows and events as for Entra),
 * with the SCIM identity row in the same transaction; its events are published once it commits
 * (`EventBus.publishAfterCommit`), so concurrent writes commit together.
 */
export class ScimUsersStore {
  private readonly anchors: PageAnchors;
  /** Lists' write contexts read recently, so a write costs no statement to read them. */
  private readonly contexts = new Map<string, { context: WriteContext; until: number }>();
  /** Counts schema events: a context read while one arrived may predate it and is not kept. */
  private schemaEvents = 0;
  /** Creates waiting to be written together, by list and caller. */
  private readonly creates = new Coalescer<Prepared, WriteResult>((_key, batch) => this.createTogether(batch));
  /** `userName eq` lookups waiting to be read together, by list. */
  private readonly lookups = new Coalescer<string, ListedUser | null>((listId, batch) => this.lookUpTogether(listId, batch));

  constructor(private readonly deps: { clock: Clock; ids: IdGenerator; sql: RawSql; events: Pick<EventBus, 'publishAfterCommit' | 'subscribe'> }) {
    this.anchors = new PageAnchors(() => deps.clock.now().getTime());
    // Database triggers announce every change to a list's fields, mappings or UID field, from whichever process or path.
    deps.events.subscribe((e) => {
      if (e.type !== 'list.schema_changed') return;
      this.schemaEvents += 1;
      this.contexts.delete(e.listId);
    });
  }

  private cachedContext(listId: string): WriteContext | null {
    const c = this.contexts.get(listId);
    return c && c.until > this.deps.clock.now().getTime() ? c.context : null;
  }

  private remember(listId: string, context: WriteContext, eventsBefore: number): WriteContext {
    if (eventsBefore !== this.schemaEvents) return context;
    if (this.contexts.size >= CONTEXT_CACHE_MAX) this.contexts.clear();
    this.contexts.set(listId, { context, until: this.deps.clock.now().getTime() + CONTEXT_CACHE_MS });
    return context;
  }

  async get(listId: string, scimId: string): Promise<StoredUser | null> {
    const [row] = await this.deps.sql.query<Row>(GET, [listId, scimId]);
    return row ? toUser(row) : null;
  }

  /** A user and the list's write context (PUT, PATCH and DELETE read both): one statement, the context kept or read with the user. */
  async getForWrite(listId: string, scimId: string): Promise<{ user: StoredUser; context: WriteContext } | null> {
    const cached = this.cachedContext(listId);
    if (cached) {
      const user = await this.get(listId, scimId);
      return user ? { user, context: cached } : null;
    }
    const before = this.schemaEvents;
    const [row] = await this.deps.sql.query<Row & ContextRow>(GET_FOR_WRITE, [listId, scimId]);
    return row ? { user: toUser(row), context: this.remember(listId, toContext(row), before) } : null;
  }

  /** The list's write context alone (a create): kept, or one statement. */
  async context(listId: string): Promise<WriteContext> {
    const cached = this.cachedContext(listId);
    if (cached) return cached;
    const before = this.schemaEvents;
    const [row] = await this.deps.sql.query<ContextRow>(CONTEXT_ALONE, [listId]);
    return this.remember(listId, toContext(row!), before);
  }

  /**
   * A page of users and the total (counted only when the page is full or past the end), or one
   * user found by a `userName eq` lookup (read together with the lookups arriving with it).
   */
  async list(listId: string, q: ListQuery): Promise<{ total: number; users: ListedUser[] }> {
    const name = lookedUpName(q);
    if (name !== null) {
      const user = await this.lookups.add(listId, name);
      return { total: user ? 1 : 0, users: user ? [user] : [] };
    }
    const { total, rows } = await this.page<ListedRow>(listId, q, LISTED_SELECT, '');
    return { total, users: rows.map(toListed) };
  }

  /**
   * A page of users as JSON text (each as `userRepresentation` shows it, whose locations start at
   * `base`, the list's SCIM base URL), and the total; null for a lookup, which `list` reads. The
   * list pages' way: PostgreSQL writes what it stores as JSON text and the user is assembled from
   * text (`userJson`), without parsing resources into objects and serialising them again.
   */
  async listJson(listId: string, q: ListQuery, base: string): Promise<{ total: number; users: string[] } | null> {
    if (lookedUpName(q) !== null) return null;
    const { total, rows } = await this.page<TextRow>(listId, q, USER_TEXT, base);
    return { total, users: rows.map((r) => userJson(toText(r), `${base}/Users/${encodeURIComponent(r.scim_id)}`)) };
  }

  /**
   * A page's rows, with `select` as the columns read of each user (`su`, its person `p`) and their
   * parameters. The page picks its person ids first from the list's indexes alone (index-only for
   * the default order), then reads those rows: OFFSET skips index entries, never whole joined rows.
   * The person is joined only when the filter needs it (`active`). Pages deep in the default order
   * skip no more than ANCHOR_EVERY entries (`deepPage`).
   */
  private async page<R>(listId: string, q: ListQuery, select: Select, base: string): Promise<{ total: number; rows: R[] }> {
    const where = q.filter ? filterToSql(q.filter) : { sql: 'TRUE', params: [] };
    const sort = q.sortBy ? sortExpression(q.sortBy) : { sql: 'su.created_at', params: [] };
    const dir = q.descending ? 'DESC' : 'ASC';
    const from = where.sql.includes('p.') || sort.sql.includes('p.') ? 'scim_user su JOIN person p ON p.id = su.person_id' : 'scim_user su';
    const order = `${sort.sql} ${dir} NULLS LAST, su.person_id ${dir}`;
    const sql = this.deps.sql;
    const countTotal = async () =>
      (await sql.select<{ n: number }>(`SELECT count(*)::int AS n FROM ${from} WHERE su.list_id = ? AND ${where.sql}`, [listId, ...where.params]))[0]?.n ?? 0;
    if (q.count === 0) return { total: await countTotal(), rows: [] };
    const deep = !q.filter && !q.sortBy && !q.descending ? await this.deepPage<R>(listId, q, select, base) : null;
    if (deep) return { total: deep.total ?? (await countTotal()), rows: deep.rows };
    const rows = await sql.select<R>(
      // ARRAY(subquery) keeps the subquery's order; WITH ORDINALITY numbers it for the final ORDER BY.
      `WITH page AS (SELECT * FROM unnest(ARRAY(SELECT su.person_id FROM ${from} WHERE su.list_id = ? AND ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?)) WITH ORDINALITY AS page(person_id, n))
       SELECT ${select.columns} FROM scim_user su JOIN person p ON p.id = su.person_id JOIN page ON page.person_id = su.person_id ${select.joins} ORDER BY page.n`,
      [listId, ...where.params, ...sort.params, q.count, q.startIndex - 1, ...select.params(listId, base)],
    );
    // A page that is not full ends the results, so it gives the total without counting.
    const total = rows.length < q.count && (rows.length > 0 || q.startIndex === 1) ? q.startIndex - 1 + rows.length : await countTotal();
    return { total, rows };
  }

  /**
   * Identity providers' hottest request, `filter=userName eq "…"` (before every create or update),
   * read together: a lookup that arrives alone is read at once; those that arrive while a read is
   * under way are read in the next statement, one index probe each (userName is unique per list,
   * compared as the RFC says, case-insensitively, by PostgreSQL's `lower` as the index is). Fewer
   * statements and round trips than lookups when many arrive at once, each answered as alone.
   */
  private async lookUpTogether(listId: string, batch: Array<Pending<string, ListedUser | null>>): Promise<void> {
    const rows = await this.deps.sql.select<ListedRow & { i: string }>(
      `SELECT n.i, ${LISTED} FROM unnest(?::text[]) WITH ORDINALITY AS n(name, i)
         JOIN scim_user su ON su.list_id = ? AND lower(su.user_name) = lower(n.name)
         JOIN person p ON p.id = su.person_id`,
      [batch.map((p) => p.item), listId],
    );
    const found = new Map(rows.map((r) => [Number(r.i), toListed(r)]));
    batch.forEach((p, i) => p.done(found.get(i + 1) ?? null));
  }

  /**
   * A page deep in the default order, without OFFSET over what comes before: a keyset scan from the
   * nearest remembered position (PageAnchors), and the total as the remembered count plus the users
   * created after the last remembered one, in the page's statement. Null for a page near the start.
   */
  private async deepPage<R>(listId: string, q: ListQuery, select: Select, base: string): Promise<{ total: number | null; rows: R[] } | null> {
    if (q.startIndex <= ANCHOR_EVERY) return null;
    const a = await this.anchors.get(this.deps.sql, listId);
    const k = Math.min(Math.floor((q.startIndex - 1) / ANCHOR_EVERY), a.anchors.length);
    if (k === 0 || !a.last) return null;
    const from = a.anchors[k - 1]!;
    // The page's first position is found in the index alone (OFFSET skips index entries), then its
    // rows are read in index order from there: no heap visit for what is skipped, no second probe
    // per row. They come as an array of rows, which the planner takes for a few rows whatever the
    // LIMIT, so the person is joined by index probes and the plan stays cheap (a plan costed at a
    // third of the list, as a hidden LIMIT is, crossed PostgreSQL's JIT threshold: ~20 ms of
    // compiling per page). Each value is a one-row subquery so that PostgreSQL plans the statement
    // once per connection (a generic plan) instead of at every page: with the values in sight, each
    // custom plan (the tail a few rows) looks far cheaper than the generic one (a third of the
    // list), and it would plan anew every time, ~0.7 ms of a page, for the same plan. The users
    // created since the last remembered position are counted up to TAIL_CAP (beyond it, the total
    // is counted apart): unbounded, that count is costed at a third of the list, which at a million
    // people made PostgreSQL start two parallel workers for it at every page (~30 ms).
    const rows = await this.deps.sql.select<R & { tail: number }>(
      `WITH page AS (SELECT (u).* FROM unnest(ARRAY(
         SELECT su FROM scim_user su WHERE su.list_id = (SELECT ?::uuid) AND (su.created_at, su.person_id) >= (
             SELECT s.created_at, s.person_id FROM scim_user s WHERE s.list_id = (SELECT ?::uuid) AND (s.created_at, s.person_id) > ((SELECT ?::timestamptz), (SELECT ?::uuid))
              ORDER BY s.created_at, s.person_id OFFSET (SELECT ?::int) LIMIT 1)
          ORDER BY su.created_at, su.person_id LIMIT (SELECT ?::int))) AS u)
       SELECT ${select.columns}, (SELECT count(*)::int FROM (SELECT FROM scim_user t WHERE t.list_id = (SELECT ?::uuid) AND (t.created_at, t.person_id) > ((SELECT ?::timestamptz), (SELECT ?::uuid))
         ORDER BY t.created_at, t.person_id LIMIT ${TAIL_CAP}) t) AS tail
         FROM page su JOIN person p ON p.id = su.person_id ${select.joins} ORDER BY su.created_at, su.person_id`,
      [listId, listId, from.createdAt, from.personId, q.startIndex - 1 - k * ANCHOR_EVERY, q.count, ...select.params(listId, base), listId, a.last.createdAt, a.last.personId],
    );
    const tail = rows[0]?.tail ?? TAIL_CAP;
    const total = rows.length > 0 && rows.length < q.count ? q.startIndex - 1 + rows.length : tail < TAIL_CAP ? a.total + tail : null;
    return { total, rows };
  }

  /**
   * Creates or replaces a user from its resource: mapped with the list's context (kept, or read
   * with the user for a replace) and checked here, then written through the engine by writeOne, or
   * for a create together with the creates that arrived with it (createTogether). A replace that
   * changes nothing writes nothing.
   */
  async write(caller: ScimCaller, actor: Actor, input: WriteInput): Promise<WriteResult> {
    const existing = input.existing?.user ?? null;
    const { uidKey, fields, rules } = input.existing?.context ?? (await this.context(caller.listId));
    if (!uidKey) throw scimErrors.invalidValue('The list has no UID field; choose one in Rollcall.');
    const attributes = Object.fromEntries(rules.map((r) => [r.sourceAttribute, readPath(input.resource, r.sourceAttribute) ?? null]));
    const mapped = mapRecord({ anchor: input.scimId, attributes, active: input.active }, rules, fields);
    if ('problem' in mapped) throw scimErrors.invalidValue(mapped.problem.reason);
    const uidLabel = rules.find((r) => r.fieldKey === uidKey)?.sourceAttribute ?? uidKey;
    const uid = mapped.person.values[uidKey];
    if (uid === null || uid === undefined || uid === '') {
      throw scimErrors.invalidValue(`"${uidLabel}" is required: it is the list's unique identifier (field "${uidKey}").`);
    }
    const prepared: Prepared = { caller, actor, input, person: mapped.person, uid: String(uid), uidKey, uidLabel, rules };
    // Creates arriving together are written together (group commit); see createTogether.
    if (!existing) return this.creates.add(`${caller.listId} ${actor.id} ${actor.label}`, prepared);
    return this.writeOne(prepared);
  }

  /**
   * One write as a one-person plan through the engine: the people the UID could match (only for a
   * create or a changed UID), then one statement (or one transaction) of the engine's write and
   * the upsert of the SCIM identity that returns the stored user.
   */
  private async writeOne({ caller, actor, input, person, uid, uidKey, uidLabel, rules }: Prepared): Promise<WriteResult> {
    const now = this.deps.clock.now();
    const existing = input.existing?.user ?? null;
    // The person is read with the user; others are looked up only when the UID could match one
    // (a create's SCIM id is new: nobody holds it yet).
    const candidates = existing && existing.person.uid === uid && existing.person.sourceAnchor === input.scimId
      ? [existing.person]
      : await loadCandidates(this.deps.sql.db, caller.listId, SCIM_PROVIDER, { anchors: existing ? [input.scimId] : [], uids: [uid], ids: [] });
    // Another provisioned user holding this UID is a uniqueness conflict, never an adoption.
    const holder = candidates.find((c) => c.uid === uid && c.source === SCIM_PROVIDER && c.sourceAnchor !== input.scimId);
    if (holder) throw scimErrors.uniqueness(`Another user of this list already has ${uidLabel} "${uid}", the list's unique identifier.`);
    const p = plan(candidates, [person], planOptions(uidKey, rules));
    if (p.problems.length > 0) throw scimErrors.uniqueness(p.problems[0]!.reason);
    const outcome: WriteOutcome = p.creates.length ? 'create' : p.deactivations.length ? 'deactivate' : p.reactivations.length ? 'reactivate' : 'update';
    const planned = p.creates.length + p.updates.length + p.deactivations.length + p.reactivations.length > 0;
    if (existing && !planned && existing.userName === input.userName && existing.externalId === input.externalId && isDeepStrictEqual(existing.resource, input.resource)) {
      return { user: existing, outcome };
    }
    const events: PersonEvent[] = [];
    const ctx = { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor };
    const identity = [caller.organizationId, caller.listId, input.scimId, input.userName, input.externalId, JSON.stringify(input.resource), now, now];
    const kinds = [p.creates, p.updates, p.deactivations, p.reactivations].filter((k) => k.length > 0);
    let row: Row | undefined;
    try {
      if (!planned && existing) {
        // Only the resource changed: the identity row alone, one statement.
        [row] = await this.deps.sql.db.execute<Row[]>(`WITH p AS (SELECT * FROM person WHERE id = ?), ${identityUpsert('p')} SELECT ${COLUMNS} FROM su JOIN p ON p.id = su.person_id`, [existing.personId, ...identity]);
      } else if (kinds.length === 1 && (p.creates.length === 1 || p.updates.length === 1)) {
        // One person created or updated (the common create, PUT and PATCH): the engine's statement
        // with the identity row attached, one statement and so one transaction, no BEGIN and COMMIT.
        const src = p.creates.length ? 'created' : 'updated';
        const written = await applyPlan(this.deps.sql.statements, ctx, p, this.deps.clock, undefined, {
          collectEvents: events,
          attach: { to: p.creates.length ? 'create' : 'update', cte: identityUpsert(src, false), result: `(SELECT to_jsonb(x) FROM (SELECT ${COLUMNS} FROM attached su JOIN ${src} p ON p.id = su.person_id) x)`, params: identity },
        });
        row = (written.attached ?? undefined) as Row | undefined;
      } else {
        await this.deps.sql.transaction(async (tem) => {
          await applyPlan(tem, ctx, p, this.deps.clock, undefined, { joinTransaction: true, collectEvents: events });
          [row] = await tem.execute<Row[]>(
            `WITH p AS (SELECT * FROM person WHERE ${existing ? 'id = ?' : 'list_id = ? AND source = ? AND source_anchor = ?'}), ${identityUpsert('p')}
             SELECT ${COLUMNS} FROM su JOIN p ON p.id = su.person_id`,
            [...(existing ? [existing.personId] : [caller.listId, SCIM_PROVIDER, input.scimId]), ...identity],
          );
        });
      }
    } catch (err) {
      if (isUniqueViolation(err, 'scim_user_user_name_key')) throw scimErrors.uniqueness(`userName "${input.userName}" is already taken in this list.`);
      if (isUniqueViolation(err)) throw scimErrors.uniqueness(`A user with the same unique identifier already exists in this list.`);
      throw err;
    }
    // The person was erased between the read and the write.
    if (!row) throw scimErrors.notFound(`User "${input.scimId}" does not exist in this list.`);
    const user = toUser(row);
    this.deps.events.publishAfterCommit(events);
    return { user, outcome };
  }

  /**
   * Creates that arrived together, written as one plan (group commit): one lookup of the people
   * their UIDs could match, then one statement of the engine's creates with their SCIM identity
   * rows, one transaction and one commit for all. A create whose UID someone in the list already
   * holds (an adoption or a conflict), or whose UID or userName another create of the batch also
   * has, is written on its own (writeOne), as is a lone create; if the batch's statement fails on
   * a uniqueness rule (a write elsewhere since the lookup), every create of it is retried on its
   * own, so each answers for itself exactly as it would have alone.
   */
  private async createTogether(batch: Array<Pending<Prepared, WriteResult>>): Promise<void> {
    const alone = (p: Pending<Prepared, WriteResult>) => this.writeOne(p.item).then(p.done, p.fail);
    if (batch.length === 1) return alone(batch[0]!);
    const { caller, uidKey, rules } = batch[0]!.item;
    const held = new Set((await loadCandidates(this.deps.sql.db, caller.listId, SCIM_PROVIDER, { anchors: [], uids: batch.map((p) => p.item.uid), ids: [] })).map((c) => c.uid));
    const names = new Set<string>();
    const together: typeof batch = [];
    const apart: typeof batch = [];
    for (const p of batch) {
      const name = p.item.input.userName.toLowerCase();
      // Planned with the first create's mappings: one whose context differs (read on either side of a schema change) goes alone.
      const fits = p.item.uidKey === uidKey && p.item.rules === rules && !held.has(p.item.uid) && !names.has(name);
      (fits ? together : apart).push(p);
      held.add(p.item.uid);
      names.add(name);
    }
    await Promise.all([this.writeTogether(together, alone), ...apart.map(alone)]);
  }

  private async writeTogether(together: Array<Pending<Prepared, WriteResult>>, alone: (p: Pending<Prepared, WriteResult>) => Promise<void>): Promise<void> {
    if (together.length <= 1) return void (await Promise.all(together.map(alone)));
    const { caller, actor, uidKey, rules } = together[0]!.item;
    const p = plan([], together.map((t) => t.item.person), planOptions(uidKey, rules));
    if (p.problems.length > 0 || p.creates.length !== together.length) return void (await Promise.all(together.map(alone)));
    const now = this.deps.clock.now();
    const identities = JSON.stringify(together.map(({ item: { input } }) => ({ scim_id: input.scimId, user_name: input.userName, external_id: input.externalId, resource: input.resource })));
    const events: PersonEvent[] = [];
    let rows: Row[];
    try {
      const written = await applyPlan(this.deps.sql.statements, { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor }, p, this.deps.clock, undefined, {
        collectEvents: events,
        attach: {
          to: 'create',
          cte: `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, external_id, resource, version, created_at, updated_at)
            SELECT c.id, ?, ?, i.scim_id, i.user_name, i.external_id, i.resource, 1, ?, ?
              FROM created c JOIN jsonb_to_recordset(?::jsonb) AS i(scim_id text, user_name text, external_id text, resource jsonb) ON i.scim_id = c.source_anchor
            RETURNING *`,
          result: `(SELECT jsonb_agg(to_jsonb(x)) FROM (SELECT ${COLUMNS} FROM attached su JOIN created p ON p.id = su.person_id) x)`,
          params: [caller.organizationId, caller.listId, now, now, identities],
        },
      });
      rows = (written.attached ?? []) as Row[];
    } catch (err) {
      if (isUniqueViolation(err)) return void (await Promise.all(together.map(alone)));
      throw err;
    }
    this.deps.events.publishAfterCommit(events);
    const byId = new Map(rows.map((r) => [r.scim_id, r]));
    for (const t of together) {
      const row = byId.get(t.item.input.scimId);
      if (row) t.done({ user: toUser(row), outcome: 'create' });
      else t.fail(new Error(`the batch of creates returned no user ${t.item.input.scimId}`));
    }
  }

  /** DELETE (RFC 7644 §3.6) deactivates: the person stays, INACTIVE, and the user reads `active: false`. */
  async deactivate(caller: ScimCaller, actor: Actor, user: StoredUser): Promise<boolean> {
    if (!user.active) return false;
    const p = emptyPlan();
    p.deactivations.push({ personId: user.personId, uid: user.person.uid, reason: 'removed_from_scope' });
    const events: PersonEvent[] = [];
    await this.deps.sql.transaction(async (tem) => {
      await applyPlan(tem, { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor }, p, this.deps.clock, undefined, { joinTransaction: true, collectEvents: events });
      await tem.execute(`UPDATE scim_user SET resource = jsonb_set(resource, '{active}', 'false'), version = version + 1, updated_at = ? WHERE person_id = ?`, [this.deps.clock.now(), user.personId]);
    });
    this.deps.events.publishAfterCommit(events);
    return true;
  }

  /** A fresh SCIM id for a new user. */
  newId(): string {
    return this.deps.ids.uuid();
  }
}

/**
 * The userName a list request looks up, when it is exactly a lookup: `userName eq "…"` with a
 * text value, from the first result, default order (a lookup finds at most one user). Null for
 * anything else, which is read as a page.
 */
function lookedUpName(q: ListQuery): string | null {
  const f = q.filter as { op?: unknown; attrPath?: unknown; compValue?: unknown } | null;
  if (!f || f.op !== 'eq' || typeof f.attrPath !== 'string' || f.attrPath.toLowerCase() !== 'username' || typeof f.compValue !== 'string') return null;
  return q.startIndex === 1 && q.count >= 1 && !q.sortBy ? f.compValue : null;
}

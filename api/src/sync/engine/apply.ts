import type { EntityManager } from '@mikro-orm/postgresql';
import type { SqlDb } from '../../db/raw-sql.js';
import type { Clock } from '../../shared/clock.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import type { PersonValues } from '../../people/person.entity.js';
import { CHANNEL, type PersonEvent } from '../../events/event-bus.js';
import type { CurrentPerson, Plan, PlannedStatusChange } from './types.js';
import type { FieldMappingRule, Transform } from './mapping.js';

/** Where and as whom a plan is applied. */
export interface ApplyContext {
  organizationId: string;
  listId: string;
  source: string;
  actor: Actor;
}

export interface ApplyResult {
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
}

type PersonRow = { id: string; uid: string; status: CurrentPerson['status']; values: PersonValues; source: string | null; source_anchor: string | null };
const PERSON_COLUMNS = `id, uid, status, "values", source, source_anchor`;
const toCurrent = (r: PersonRow): CurrentPerson => ({ id: r.id, uid: r.uid, status: r.status, values: r.values, source: r.source, sourceAnchor: r.source_anchor });
/** A text[] literal: every element quoted, so any anchor or UID survives. */
const textArray = (items: Iterable<string>) => `{${[...items].map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;

/** A list's mapping rules for a provider; a photo mapping is synced separately (by content, not by value). */
export async function mappingRules(em: EntityManager, listId: string, provider: string): Promise<FieldMappingRule[]> {
  const rows = await em.execute<Array<{ source_attribute: string; key: string; transform: Transform }>>(
    `SELECT m.source_attribute, f.key, m.transform FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = ? AND m.source_attribute <> 'photo' ORDER BY f.position`,
    [listId, provider],
  );
  return rows.map((r) => ({ sourceAttribute: r.source_attribute, fieldKey: r.key, transform: r.transform }));
}

/** Reads a list's people as planning needs them. */
export async function loadCurrent(em: EntityManager, listId: string): Promise<CurrentPerson[]> {
  const rows = await em.execute<PersonRow[]>(`SELECT ${PERSON_COLUMNS} FROM person WHERE list_id = ?`, [listId]);
  return rows.map(toCurrent);
}

/**
 * The people a page of records can match, through the indexes: this source's people by anchor,
 * and people by UID or by id (the caller resolves emails to ids, see `emailIndex`).
 */
export async function loadCandidates(em: SqlDb, listId: string, source: string, q: { anchors: Iterable<string>; uids: Iterable<string>; ids: Iterable<string> }): Promise<CurrentPerson[]> {
  const anchors = [...q.anchors];
  const uids = [...q.uids];
  const ids = [...q.ids];
  const parts: string[] = [];
  const params: unknown[] = [];
  if (anchors.length) {
    parts.push(`SELECT ${PERSON_COLUMNS} FROM person WHERE list_id = ? AND source = ? AND source_anchor = ANY(?::text[])`);
    params.push(listId, source, textArray(anchors));
  }
  if (uids.length) {
    parts.push(`SELECT ${PERSON_COLUMNS} FROM person WHERE list_id = ? AND uid = ANY(?::text[])`);
    params.push(listId, textArray(uids));
  }
  if (ids.length) {
    parts.push(`SELECT ${PERSON_COLUMNS} FROM person WHERE list_id = ? AND id = ANY(?::uuid[])`);
    params.push(listId, `{${ids.join(',')}}`);
  }
  if (parts.length === 0) return [];
  const rows = await em.execute<PersonRow[]>(parts.join(' UNION '), params);
  return rows.map(toCurrent);
}

/**
 * Lowercased email → id of the first person holding it, for matching by email: read once per
 * run, and only when a record needs it. Only people this source does not already hold by an
 * anchor can be matched by email (adopted): someone this source holds is its by their anchor,
 * so a list the source fills entirely has an empty map however many people it has, and reading
 * it goes through indexes (the unanchored people's, and the anchor index for other sources'),
 * never through the list.
 */
export async function emailIndex(em: EntityManager, listId: string, source: string, emailKey: string): Promise<Map<string, string>> {
  const rows = await em.execute<Array<{ e: string; id: string }>>(...emailIndexQuery(listId, source, emailKey));
  const out = new Map<string, string>();
  for (const r of rows) if (r.e && !out.has(r.e)) out.set(r.e, r.id);
  return out;
}

/** The email map's statement and its parameters (exported for the test of its plan). */
export function emailIndexQuery(listId: string, source: string, emailKey: string): [string, unknown[]] {
  return [
    `SELECT lower(btrim("values"->>?)) AS e, id FROM person
      WHERE list_id = ? AND source_anchor IS NULL AND "values"->>? IS NOT NULL
     UNION ALL
     SELECT lower(btrim("values"->>?)) AS e, id FROM person
      WHERE list_id = ? AND source_anchor IS NOT NULL AND (source IS NULL OR source < ? OR source > ?) AND "values"->>? IS NOT NULL`,
    [emailKey, listId, emailKey, emailKey, listId, source, source, emailKey],
  ];
}

/** How many people a list has, and how many are active: the base of safety limits. */
export async function peopleCounts(em: EntityManager, listId: string): Promise<{ active: number; people: number }> {
  const [row] = await em.execute<Array<{ active: number; people: number }>>(
    `SELECT count(*) FILTER (WHERE status = 'ACTIVE')::int AS active, count(*)::int AS people FROM person WHERE list_id = ?`,
    [listId],
  );
  return row ?? { active: 0, people: 0 };
}

/**
 * A source's active people in a list, a slice at a time (keyset on the status/UID index); with
 * `unowned`, also people no source manages (a hand-fed source's full run). Their values are not
 * read (empty): finding who a full run no longer sees needs only who they are.
 */
export async function* activeSourcePeople(em: EntityManager, listId: string, source: string, slice = 10_000, unowned = false): AsyncIterable<CurrentPerson[]> {
  let after: string | null = null;
  for (;;) {
    const rows: PersonRow[] = await em.execute<PersonRow[]>(
      `SELECT id, uid, status, '{}'::jsonb AS "values", source, source_anchor FROM person WHERE list_id = ? AND status = 'ACTIVE' ${after === null ? '' : 'AND uid > ?'} ORDER BY uid LIMIT ?`,
      after === null ? [listId, slice] : [listId, after, slice],
    );
    if (rows.length === 0) return;
    yield rows.filter((r) => r.source === source || (unowned && r.source === null)).map(toCurrent);
    if (rows.length < slice) return;
    after = rows[rows.length - 1]!.uid;
  }
}

/** This source's people with the given anchors (delta removals). */
export async function peopleByAnchor(em: EntityManager, listId: string, source: string, anchors: readonly string[]): Promise<CurrentPerson[]> {
  if (anchors.length === 0) return [];
  const rows = await em.execute<PersonRow[]>(`SELECT ${PERSON_COLUMNS} FROM person WHERE list_id = ? AND source = ? AND source_anchor = ANY(?::text[])`, [listId, source, textArray(anchors)]);
  return rows.map(toCurrent);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The one writer of synced people. Each batch is one transaction of set-based statements (one
 * per kind of change, rows passed as a JSON array to jsonb_to_recordset, never a round trip per
 * person): people, their audit entries, and pg_notify events that PostgreSQL delivers only if
 * the batch commits. Updates merge the owned fields into the stored values, so a local-only field
 * edited by hand since planning is kept. Returns what was written.
 */
export async function applyPlan(
  em: SqlDb,
  ctx: ApplyContext,
  plan: Plan,
  clock: Clock,
  batchSize = 5000,
  options: { joinTransaction?: boolean; collectEvents?: PersonEvent[]; attach?: Attach } = {},
): Promise<ApplyResult & { attached?: unknown }> {
  const result: ApplyResult & { attached?: unknown } = { created: 0, updated: 0, deactivated: 0, reactivated: 0 };
  const attach = options.attach;
  // The attached CTE and its result column, on the statement it names (see Attach).
  const attached = (to: Attach['to']) =>
    attach?.to === to ? { cte: `, attached AS (${attach.cte})`, result: `, ${attach.result} AS attached`, params: attach.params } : { cte: '', result: '', params: [] };
  const events = eventsOf(ctx, options.collectEvents);
  // joinTransaction: a caller already in a transaction that fails whole (SCIM's one-person write)
  // spares the savepoint round trips of a nested transaction per batch.
  const inBatch = <T>(f: (tem: SqlDb) => Promise<T>): Promise<T> => (options.joinTransaction && em.isInTransaction() ? f(em) : em.transactional(f));
  const now = clock.now();
  const actor = [ctx.actor.type, ctx.actor.id, ctx.actor.label];

  // Updates first: a person renumbered gives up their UID before a newcomer given it is created.
  for (const batch of chunks(plan.updates, batchSize)) {
    const a = attached('update');
    await inBatch(async (tem) => {
      const rows = JSON.stringify(
        batch.map((u) => ({
          id: u.personId,
          uid: u.uid,
          anchor: u.anchor,
          reanchor: u.reanchor,
          patch: Object.fromEntries(u.changes.filter((c) => c.after !== null).map((c) => [c.field, c.after])),
          remove: u.changes.filter((c) => c.after === null).map((c) => c.field),
          changes: u.changes,
        })),
      );
      // Re-anchoring alone (no field changed) writes the person but no audit row or event. An
      // update that is not a re-anchoring keeps the person's source (a hand-fed source updating a
      // directory's person leaves them with the directory).
      const [row] = await tem.execute<Array<{ n: number; ids?: string[]; attached?: unknown }>>(
        `WITH d AS (
           SELECT * FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, uid text, anchor text, reanchor boolean, patch jsonb, remove text[], changes jsonb)
         ), updated AS (
           UPDATE person p
              SET "values" = (p."values" - d.remove) || d.patch, uid = d.uid,
                  source = CASE WHEN d.reanchor IS FALSE THEN p.source ELSE ? END,
                  source_anchor = CASE WHEN d.reanchor IS FALSE THEN p.source_anchor ELSE d.anchor END,
                  version = p.version + 1, updated_at = ?
             FROM d
            WHERE p.id = d.id AND p.list_id = ?
           RETURNING ${RETURNED_PERSON}, d.changes
         ), changed AS (
           SELECT id, changes FROM updated WHERE jsonb_array_length(changes) > 0
         ), audited AS (
           INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
           SELECT gen_random_uuid(), ?, ?, c.id, 'person', c.id, 'person.updated', ?, ?, ?, c.changes, ? FROM changed c
         )${a.cte}
         ${events.select('person.updated')}${a.result} FROM changed c`,
        [rows, ctx.source, now, ctx.listId, ctx.organizationId, ctx.listId, ...actor, now, ...a.params, ...events.params],
      );
      result.updated += events.took('person.updated', row);
      if (a.cte) result.attached = row?.attached;
    });
  }

  for (const batch of chunks(plan.creates, batchSize)) {
    const a = attached('create');
    await inBatch(async (tem) => {
      const rows = JSON.stringify(batch.map((c) => ({ anchor: c.anchor, uid: c.uid, values: c.values, status: c.status ?? 'ACTIVE' })));
      // People, their audit rows and their events in one statement: the audit rows and events come
      // from what the insert returned, not from reading the people again.
      const [row] = await tem.execute<Array<{ n: number; ids?: string[]; attached?: unknown }>>(
        `WITH created AS (
           INSERT INTO person AS p (id, organization_id, list_id, uid, status, "values", source, source_anchor, created_at, updated_at, deactivated_at)
           SELECT gen_random_uuid(), ?, ?, d.uid, d.status, d."values", ?, d.anchor, ?, ?, CASE WHEN d.status = 'INACTIVE' THEN ?::timestamptz END
             FROM jsonb_to_recordset(?::jsonb) AS d(anchor text, uid text, "values" jsonb, status text)
           RETURNING ${RETURNED_PERSON}
         ), audited AS (
           INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
           SELECT gen_random_uuid(), ?, ?, c.id, 'person', c.id, 'person.created', ?, ?, ?,
                  (SELECT coalesce(jsonb_agg(jsonb_build_object('field', e.key, 'before', NULL, 'after', e.value)), '[]'::jsonb) FROM jsonb_each(c."values") e), ?
             FROM created c
         )${a.cte}
         ${events.select('person.created')}${a.result} FROM created c`,
        [ctx.organizationId, ctx.listId, ctx.source, now, now, now, rows, ctx.organizationId, ctx.listId, ...actor, now, ...a.params, ...events.params],
      );
      result.created += events.took('person.created', row);
      if (a.cte) result.attached = row?.attached;
    });
  }

  result.deactivated += await setStatus(inBatch, ctx, plan.deactivations, 'INACTIVE', now, actor, batchSize, events);
  result.reactivated += await setStatus(inBatch, ctx, plan.reactivations, 'ACTIVE', now, actor, batchSize, events);
  return result;
}

async function setStatus(
  inBatch: <T>(f: (tem: SqlDb) => Promise<T>) => Promise<T>,
  ctx: ApplyContext,
  changes: readonly PlannedStatusChange[],
  status: 'ACTIVE' | 'INACTIVE',
  now: Date,
  actor: unknown[],
  batchSize: number,
  events: Events,
): Promise<number> {
  let n = 0;
  const from = status === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
  const action = status === 'ACTIVE' ? 'person.reactivated' : 'person.deactivated';
  for (const batch of chunks(changes, batchSize)) {
    await inBatch(async (tem) => {
      // Only people still in the opposite state change: a plan applied twice writes nothing.
      const [row] = await tem.execute<Array<{ n: number; ids?: string[]; attached?: unknown }>>(
        `WITH changed AS (
           UPDATE person SET status = ?, deactivated_at = ?, updated_at = ?, version = version + 1
            WHERE list_id = ? AND status = ? AND id = ANY(?::uuid[])
           RETURNING id
         ), audited AS (
           INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
           SELECT gen_random_uuid(), ?, ?, c.id, 'person', c.id, ?, ?, ?, ?, jsonb_build_array(jsonb_build_object('field', 'status', 'before', ?::text, 'after', ?::text)), ?
             FROM changed c
         )
         ${events.select(action)} FROM changed c`,
        [status, status === 'INACTIVE' ? now : null, now, ctx.listId, from, `{${batch.map((c) => c.personId).join(',')}}`,
          ctx.organizationId, ctx.listId, action, ...actor, from, status, now, ...events.params],
      );
      n += events.took(action, row);
    });
  }
  return n;
}

/**
 * Merges the search index's pending list (new trigram entries a run appended) into the index in
 * one bulk pass. Called after a run has finished, so the merge is not on the run's time.
 */
export async function tidySearchIndex(em: EntityManager): Promise<void> {
  await em.execute(`SELECT gin_clean_pending_list('person_search_trgm_idx'::regclass)`);
}

/** Rows changed (added, or moved between active and inactive) from which planner statistics are refreshed. */
const RESTAT_MIN_ROWS = 1000;

/**
 * Refreshes the planner's statistics on people after a run that added or moved a large share of
 * a list (at least RESTAT_MIN_ROWS, and a tenth of the people it had). Autovacuum would do it
 * only on its next round (a minute or more later): until then PostgreSQL plans the next run's
 * lookups as if the list were as small as before, and a delta run's anchor lookup that takes
 * 20 ms with fresh statistics scanned the whole list (1.6 s per 1,000 records at 100,000 people
 * on PostgreSQL 15, measured). Skipped when another ANALYZE or an index build holds the table
 * (SKIP_LOCKED).
 */
export async function refreshStatistics(em: EntityManager, changed: number, peopleBefore: number): Promise<void> {
  if (changed < RESTAT_MIN_ROWS || changed < peopleBefore / 10) return;
  await em.execute('ANALYZE (SKIP_LOCKED) person');
}

/** What the update and create statements return of each person they wrote (`updated` and `created` rows). */
const RETURNED_PERSON = `p.id, p.uid, p.status, p."values", p.source, p.source_anchor, p.version`;

/**
 * A caller's own write joined to one of the plan's statements, so that both commit as one
 * statement, without a transaction of several round trips (SCIM writes its identity row so). `cte`
 * becomes the statement's CTE `attached`, written after the people: for `to: 'create'` it may read
 * the people inserted (CTE `created`), for `to: 'update'` those updated (`updated`), each with the
 * columns RETURNED_PERSON names, as the statement left them. `result` is a SQL expression over
 * these, returned as `attached`. Placeholders in `cte` take `params`, in order.
 */
export interface Attach {
  to: 'create' | 'update';
  cte: string;
  result: string;
  params: unknown[];
}

type PersonEventType = PersonEvent['type'];
interface Events {
  /** The statement's final SELECT list over its changed rows `c` (count, and the events or their ids). */
  select(type: PersonEventType): string;
  /** Its parameters, appended after the statement's own. */
  params: unknown[];
  /** How many rows the statement changed; collects their events when asked to. */
  took(type: PersonEventType, row: { n: number; ids?: string[] } | undefined): number;
}

/**
 * The events of a statement's changed people. By default one pg_notify per person in the batch's
 * transaction (PostgreSQL delivers them on commit only): right for a sync's few large
 * transactions. With `collect`, the statement returns the people's ids and the events are added to
 * `collect` for the caller to publish once it has committed (`EventBus.publishAfterCommit`):
 * PostgreSQL serialises the commits of notifying transactions on one global lock held through the
 * commit's WAL flush, so many small concurrent writers (SCIM) that notify inside their transactions
 * commit one at a time instead of together.
 */
function eventsOf(ctx: ApplyContext, collect: PersonEvent[] | undefined): Events {
  if (!collect) {
    return {
      select: (type) => `SELECT count(${NOTIFY('c.id', type)})::int AS n`,
      params: [CHANNEL, ctx.organizationId, ctx.listId],
      took: (_type, row) => row?.n ?? 0,
    };
  }
  return {
    select: () => `SELECT count(*)::int AS n, coalesce(array_agg(c.id::text), '{}') AS ids`,
    params: [],
    took: (type, row) => {
      for (const personId of row?.ids ?? []) collect.push({ type, organizationId: ctx.organizationId, listId: ctx.listId, personId });
      return row?.n ?? 0;
    },
  };
}

/**
 * One pg_notify per person of a statement's rows, in the batch's transaction (PostgreSQL delivers
 * them on commit only). Parameters, in order: the channel, the organisation, the list.
 */
function NOTIFY(idColumn: string, type: PersonEventType): string {
  if (!/^[a-z_.]+$/.test(type)) throw new Error(`not an event type: ${type}`);
  return `pg_notify(?, json_build_object('type', '${type}', 'organizationId', ?::uuid, 'listId', ?::uuid, 'personId', ${idColumn})::text)`;
}

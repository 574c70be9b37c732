import type { EntityManager } from '@mikro-orm/postgresql';
import type { RawSql, SqlDb } from '../../db/raw-sql.js';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUuid } from '../../shared/ids.js';
import { isUniqueViolation } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { applyPlan, loadCandidates } from '../../sync/engine/apply.js';
import type { EventBus, PersonEvent } from '../../events/event-bus.js';
import { emptyPlan } from '../../sync/engine/plan.js';
import { scimErrors } from '../rfc7644/errors.js';
import type { Filter } from '../rfc7644/filter.js';
import type { GroupChange } from '../rfc7644/group-patch.js';
import { SCIM_PROVIDER, type ScimCaller } from '../scim-connections.service.js';
import type { SqlFragment } from './filter-sql.js';

/** The list field that shows a person's SCIM groups, and the mapping attribute that locks it. */
export const GROUPS_FIELD = 'groups';
export const GROUPS_ATTRIBUTE = 'groups';

export interface StoredGroup {
  id: string;
  displayName: string;
  externalId: string | null;
  version: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface GroupMember {
  value: string;
  display: string;
}

type Row = { id: string; display_name: string; external_id: string | null; version: number; created_at: string; updated_at: string };
const toGroup = (r: Row): StoredGroup => ({ id: r.id, displayName: r.display_name, externalId: r.external_id, version: String(r.version), createdAt: new Date(r.created_at), updatedAt: new Date(r.updated_at) });
const COLUMNS = 'g.id, g.display_name, g.external_id, g.version, g.created_at, g.updated_at';

/** Group filters: displayName (indexed, case-insensitive), externalId, id, and `members[value eq "…"]`. */
export function groupFilterToSql(f: Filter): SqlFragment {
  switch (f.op) {
    case 'and':
    case 'or': {
      const parts = (f as { filters: Filter[] }).filters.map(groupFilterToSql);
      return { sql: `(${parts.map((p) => p.sql).join(f.op === 'and' ? ' AND ' : ' OR ')})`, params: parts.flatMap((p) => p.params) };
    }
    case 'not': {
      const inner = groupFilterToSql((f as { filter: Filter }).filter);
      return { sql: `(NOT coalesce(${inner.sql}, false))`, params: inner.params };
    }
    case '[]': {
      const v = f as { attrPath: string; valFilter: Filter };
      const c = v.valFilter as { op: string; attrPath?: string; compValue?: unknown };
      if (v.attrPath.toLowerCase() !== 'members' || c.op !== 'eq' || c.attrPath?.toLowerCase() !== 'value') throw scimErrors.invalidFilter('Groups filter members with members[value eq "user id"].');
      return { sql: `EXISTS (SELECT 1 FROM scim_group_member m JOIN scim_user u ON u.person_id = m.person_id WHERE m.group_id = g.id AND u.scim_id = ?)`, params: [String(c.compValue)] };
    }
    default: {
      const c = f as { op: string; attrPath: string; compValue?: unknown };
      const attr = c.attrPath.toLowerCase();
      if (attr === 'members.value' && c.op === 'eq') return groupFilterToSql({ op: '[]', attrPath: 'members', valFilter: { op: 'eq', attrPath: 'value', compValue: c.compValue } } as Filter);
      const col = attr === 'displayname' ? 'lower(g.display_name)' : attr === 'externalid' ? 'g.external_id' : attr === 'id' ? 'g.id::text' : null;
      if (!col) throw scimErrors.invalidFilter(`Groups are filtered by displayName, externalId, id or members; not "${c.attrPath}".`);
      const value = attr === 'displayname' ? String(c.compValue).toLowerCase() : String(c.compValue);
      const like = (v: string) => v.replace(/[\\%_]/g, (x) => `\\${x}`);
      switch (c.op) {
        case 'eq':
          return { sql: `(${col} = ?)`, params: [value] };
        case 'ne':
          return { sql: `(${col} IS DISTINCT FROM ?)`, params: [value] };
        case 'co':
          return { sql: `(${col} LIKE ?)`, params: [`%${like(value)}%`] };
        case 'sw':
          return { sql: `(${col} LIKE ?)`, params: [`${like(value)}%`] };
        case 'ew':
          return { sql: `(${col} LIKE ?)`, params: [`%${like(value)}`] };
        case 'pr':
          return { sql: `(${col} IS NOT NULL)`, params: [] };
        default:
          throw scimErrors.invalidFilter(`Groups support eq, ne, co, sw, ew and pr; not ${c.op}.`);
      }
    }
  }
}

/**
 * SCIM groups in PostgreSQL. Membership rows are written set-based; each affected person's
 * "groups" field is then rewritten through the engine's `applyPlan` (locks, audit, events), so
 * group membership can drive list filters. Deleting a group never deactivates anyone.
 */
export class ScimGroupsStore {
  constructor(private readonly deps: { clock: Clock; ids: IdGenerator; sql: RawSql; events: Pick<EventBus, 'publishAfterCommit'> }) {}

  async get(em: EntityManager, listId: string, id: string): Promise<StoredGroup | null> {
    if (!isUuid(id)) return null;
    const [row] = await em.execute<Row[]>(`SELECT ${COLUMNS} FROM scim_group g WHERE g.list_id = ? AND g.id = ?`, [listId, id]);
    return row ? toGroup(row) : null;
  }

  async list(em: EntityManager, listId: string, q: { filter: Filter | null; startIndex: number; count: number; descending: boolean }): Promise<{ total: number; groups: StoredGroup[] }> {
    const where = q.filter ? groupFilterToSql(q.filter) : { sql: 'TRUE', params: [] };
    const conn = em.getConnection();
    const dir = q.descending ? 'DESC' : 'ASC';
    const [rows, [count]] = await Promise.all([
      q.count === 0
        ? Promise.resolve([] as Row[])
        : conn.execute<Row[]>(`SELECT ${COLUMNS} FROM scim_group g WHERE g.list_id = ? AND ${where.sql} ORDER BY g.created_at ${dir}, g.id ${dir} LIMIT ? OFFSET ?`, [listId, ...where.params, q.count, q.startIndex - 1]),
      conn.execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM scim_group g WHERE g.list_id = ? AND ${where.sql}`, [listId, ...where.params]),
    ]);
    return { total: count?.n ?? 0, groups: rows.map(toGroup) };
  }

  /** Whether a group has more than `n` members (reads at most n + 1 index entries). */
  async hasMoreMembersThan(em: EntityManager, groupId: string, n: number): Promise<boolean> {
    const [row] = await em.execute<Array<{ more: boolean }>>(`SELECT count(*) > ? AS more FROM (SELECT 1 FROM scim_group_member WHERE group_id = ? LIMIT ?) x`, [n, groupId, n + 1]);
    return row?.more === true;
  }

  /** Members of groups, by group id (user id and display). */
  async members(em: EntityManager, groupIds: string[]): Promise<Map<string, GroupMember[]>> {
    const out = new Map<string, GroupMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return out;
    const rows = await em.execute<Array<{ group_id: string; scim_id: string; display: string }>>(
      `SELECT m.group_id, u.scim_id, coalesce(u.resource->>'displayName', u.user_name) AS display
         FROM scim_group_member m JOIN scim_user u ON u.person_id = m.person_id WHERE m.group_id = ANY(?::uuid[]) ORDER BY u.user_name`,
      [`{${groupIds.join(',')}}`],
    );
    for (const r of rows) out.get(r.group_id)!.push({ value: r.scim_id, display: r.display });
    return out;
  }

  /** Creates a group with its members (Okta sends them inside POST). */
  async create(em: EntityManager, caller: ScimCaller, actor: Actor, input: { displayName: string; externalId: string | null; members: string[] }): Promise<StoredGroup> {
    const id = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    const events: PersonEvent[] = [];
    await this.unique(input.displayName, () =>
      this.deps.sql.transaction(async (tem) => {
        await tem.execute(`INSERT INTO scim_group (id, organization_id, list_id, display_name, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, [id, caller.organizationId, caller.listId, input.displayName, input.externalId, now, now]);
        await this.change(tem, caller, actor, id, { add: input.members, remove: [], replaceMembers: null }, events);
      }),
    );
    this.deps.events.publishAfterCommit(events);
    return (await this.get(em, caller.listId, id))!;
  }

  /** PUT (Okta) and PATCH: attributes and membership commands in one transaction. */
  async update(em: EntityManager, caller: ScimCaller, actor: Actor, group: StoredGroup, change: GroupChange): Promise<StoredGroup> {
    const events: PersonEvent[] = [];
    await this.unique(change.displayName ?? group.displayName, () =>
      this.deps.sql.transaction(async (tem) => {
        await tem.execute(
          `UPDATE scim_group SET display_name = coalesce(?, display_name), external_id = CASE WHEN ? THEN ? ELSE external_id END, version = version + 1, updated_at = ? WHERE id = ?`,
          [change.displayName ?? null, change.externalId !== undefined, change.externalId ?? null, this.deps.clock.now(), group.id],
        );
        await this.change(tem, caller, actor, group.id, change, events, change.displayName !== undefined && change.displayName !== group.displayName);
      }),
    );
    this.deps.events.publishAfterCommit(events);
    return (await this.get(em, caller.listId, group.id))!;
  }

  /** Deletes a group; its members stay as they are, only their "groups" field changes. */
  async delete(em: EntityManager, caller: ScimCaller, actor: Actor, group: StoredGroup): Promise<void> {
    const events: PersonEvent[] = [];
    await this.deps.sql.transaction(async (tem) => {
      const gone = await tem.execute<Array<{ person_id: string }>>(`DELETE FROM scim_group_member WHERE group_id = ? RETURNING person_id`, [group.id]);
      await tem.execute(`DELETE FROM scim_group WHERE id = ?`, [group.id]);
      await this.rewriteGroupsField(tem, caller, actor, gone.map((r) => r.person_id), events);
    });
    this.deps.events.publishAfterCommit(events);
  }

  private async unique(displayName: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (err) {
      if (isUniqueViolation(err, 'scim_group_display_name_key')) throw scimErrors.uniqueness(`A group named "${displayName}" already exists in this list.`);
      throw err;
    }
  }

  /** Applies membership commands set-based, then rewrites the affected people's "groups" field. */
  private async change(tem: SqlDb, caller: ScimCaller, actor: Actor, groupId: string, change: GroupChange, events: PersonEvent[], renamed = false): Promise<void> {
    const ids = [...new Set([...change.add, ...change.remove, ...(change.replaceMembers ?? [])])];
    const people = new Map<string, string>();
    if (ids.length > 0) {
      const rows = await tem.execute<Array<{ scim_id: string; person_id: string }>>(`SELECT scim_id, person_id FROM scim_user WHERE list_id = ? AND scim_id = ANY(?::text[])`, [caller.listId, `{${ids.map((i) => `"${i.replace(/["\\]/g, '')}"`).join(',')}}`]);
      for (const r of rows) people.set(r.scim_id, r.person_id);
      const unknown = [...change.add, ...(change.replaceMembers ?? [])].filter((id) => !people.has(id));
      if (unknown.length > 0) throw scimErrors.invalidValue(`Members must be users of this list; unknown user id${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}.`);
    }
    const pid = (list: string[]) => `{${list.map((id) => people.get(id)).filter(Boolean).join(',')}}`;
    const affected = new Set<string>();
    if (change.replaceMembers) {
      const removed = await tem.execute<Array<{ person_id: string }>>(`DELETE FROM scim_group_member WHERE group_id = ? AND NOT (person_id = ANY(?::uuid[])) RETURNING person_id`, [groupId, pid(change.replaceMembers)]);
      removed.forEach((r) => affected.add(r.person_id));
      const added = await tem.execute<Array<{ person_id: string }>>(`INSERT INTO scim_group_member (group_id, person_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING RETURNING person_id`, [groupId, pid(change.replaceMembers)]);
      added.forEach((r) => affected.add(r.person_id));
    }
    if (change.remove.length > 0) {
      const removed = await tem.execute<Array<{ person_id: string }>>(`DELETE FROM scim_group_member WHERE group_id = ? AND person_id = ANY(?::uuid[]) RETURNING person_id`, [groupId, pid(change.remove)]);
      removed.forEach((r) => affected.add(r.person_id));
    }
    if (change.add.length > 0) {
      const added = await tem.execute<Array<{ person_id: string }>>(`INSERT INTO scim_group_member (group_id, person_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING RETURNING person_id`, [groupId, pid(change.add)]);
      added.forEach((r) => affected.add(r.person_id));
    }
    if (renamed) {
      const all = await tem.execute<Array<{ person_id: string }>>(`SELECT person_id FROM scim_group_member WHERE group_id = ?`, [groupId]);
      all.forEach((r) => affected.add(r.person_id));
    }
    await this.rewriteGroupsField(tem, caller, actor, [...affected], events);
  }

  /**
   * Writes each person's group names (sorted, comma-separated) into the "groups" field as a plan
   * of updates applied by the engine. Adds the field, locked by a SCIM mapping, the first time.
   */
  private async rewriteGroupsField(tem: SqlDb, caller: ScimCaller, actor: Actor, personIds: string[], events: PersonEvent[]): Promise<void> {
    if (personIds.length === 0) return;
    await this.ensureGroupsField(tem, caller);
    const [people, names] = await Promise.all([
      loadCandidates(tem, caller.listId, SCIM_PROVIDER, { anchors: [], uids: [], ids: personIds }),
      tem.execute<Array<{ person_id: string; names: string }>>(
        `SELECT m.person_id, string_agg(g.display_name, ', ' ORDER BY lower(g.display_name)) AS names
           FROM scim_group_member m JOIN scim_group g ON g.id = m.group_id WHERE m.person_id = ANY(?::uuid[]) GROUP BY m.person_id`,
        [`{${personIds.join(',')}}`],
      ),
    ]);
    const byPerson = new Map(names.map((r) => [r.person_id, r.names]));
    const plan = emptyPlan();
    for (const p of people) {
      const before = p.values[GROUPS_FIELD] ?? null;
      const after = byPerson.get(p.id) ?? null;
      if (before === after) continue;
      const values = { ...p.values };
      if (after === null) delete values[GROUPS_FIELD];
      else values[GROUPS_FIELD] = after;
      plan.updates.push({ personId: p.id, uid: p.uid, anchor: p.sourceAnchor ?? p.id, changes: [{ field: GROUPS_FIELD, before, after }], values, reanchor: false });
    }
    // Events after commit, as for users (see EventBus.publishAfterCommit).
    await applyPlan(tem, { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor }, plan, this.deps.clock, undefined, { joinTransaction: true, collectEvents: events });
  }

  private async ensureGroupsField(tem: SqlDb, caller: ScimCaller): Promise<void> {
    await tem.execute(
      `INSERT INTO list_field (id, organization_id, list_id, key, label, type, required, description, position)
       SELECT ?, ?, ?, ?, 'Groups', 'TEXT', false, 'Groups the identity provider assigned, comma-separated (SCIM).', coalesce(max(position), -1) + 1 FROM list_field WHERE list_id = ?
       ON CONFLICT (list_id, key) DO NOTHING`,
      [this.deps.ids.uuid(), caller.organizationId, caller.listId, GROUPS_FIELD, caller.listId],
    );
    await tem.execute(
      `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform)
       SELECT ?, ?, ?, f.id, ?, ?, 'DIRECT' FROM list_field f WHERE f.list_id = ? AND f.key = ?
       ON CONFLICT (list_id, provider, field_id) DO NOTHING`,
      [this.deps.ids.uuid(), caller.organizationId, caller.listId, SCIM_PROVIDER, GROUPS_ATTRIBUTE, caller.listId, GROUPS_FIELD],
    );
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUniqueViolation } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { ListFieldSchema, MasterListSchema } from '../../lists/list.entities.js';
import { mapRecord } from '../../sync/engine/mapping.js';
import { applyPlan, loadCandidates, mappingRules } from '../../sync/engine/apply.js';
import { emptyPlan, plan } from '../../sync/engine/plan.js';
import { readPath } from '../rfc7643/paths.js';
import { scimErrors } from '../rfc7644/errors.js';
import type { Filter } from '../rfc7644/filter.js';
import { filterToSql, sortExpression } from './filter-sql.js';
import { SCIM_PROVIDER, type ScimCaller } from '../scim-connections.service.js';
import { GROUPS_ATTRIBUTE } from './scim-groups.store.js';

/** A provisioned user as stored: Rollcall's SCIM id, the IdP's identifiers, the resource, the person's state. */
export interface StoredUser {
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
}

type Row = {
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
};
const SELECT = `SELECT su.person_id, su.scim_id, su.user_name, su.external_id, su.resource, su.version AS su_version, p.version AS p_version, p.status, su.created_at, su.updated_at
  FROM scim_user su JOIN person p ON p.id = su.person_id`;
const toUser = (r: Row): StoredUser => ({
  personId: r.person_id,
  scimId: r.scim_id,
  userName: r.user_name,
  externalId: r.external_id,
  resource: r.resource,
  active: r.status === 'ACTIVE',
  version: `${r.su_version}.${r.p_version}`,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

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
 * SCIM users in PostgreSQL. Reads are single indexed statements; every write goes through the
 * reconciliation engine: the resource is mapped with the list's mappings, planned against the
 * people it can match, and applied by `applyPlan` (locks, audit rows and events as for Entra),
 * with the SCIM identity row in the same transaction.
 */
export class ScimUsersStore {
  constructor(private readonly deps: { clock: Clock; ids: IdGenerator }) {}

  async get(em: EntityManager, listId: string, scimId: string): Promise<StoredUser | null> {
    const [row] = await em.execute<Row[]>(`${SELECT} WHERE su.list_id = ? AND su.scim_id = ?`, [listId, scimId]);
    return row ? toUser(row) : null;
  }

  /**
   * A page of users and the total (counted only when the page is full or past the end). The page picks
   * its person ids first from the list's indexes alone (index-only for the default order), then
   * reads those 100 rows: OFFSET skips index entries, never whole joined rows. The person is
   * joined only when the filter needs it (`active`).
   */
  async list(em: EntityManager, listId: string, q: ListQuery): Promise<{ total: number; users: StoredUser[] }> {
    const where = q.filter ? filterToSql(q.filter) : { sql: 'TRUE', params: [] };
    const sort = q.sortBy ? sortExpression(q.sortBy) : { sql: 'su.created_at', params: [] };
    const dir = q.descending ? 'DESC' : 'ASC';
    const from = where.sql.includes('p.') || sort.sql.includes('p.') ? 'scim_user su JOIN person p ON p.id = su.person_id' : 'scim_user su';
    const order = `${sort.sql} ${dir} NULLS LAST, su.person_id ${dir}`;
    const conn = em.getConnection();
    const countTotal = async () =>
      (await conn.execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM ${from} WHERE su.list_id = ? AND ${where.sql}`, [listId, ...where.params]))[0]?.n ?? 0;
    if (q.count === 0) return { total: await countTotal(), users: [] };
    const rows = await conn.execute<Row[]>(
      // ARRAY(subquery) keeps the subquery's order; WITH ORDINALITY numbers it for the final ORDER BY.
      `WITH page AS (SELECT * FROM unnest(ARRAY(SELECT su.person_id FROM ${from} WHERE su.list_id = ? AND ${where.sql} ORDER BY ${order} LIMIT ? OFFSET ?)) WITH ORDINALITY AS page(person_id, n))
       ${SELECT} JOIN page ON page.person_id = su.person_id ORDER BY page.n`,
      [listId, ...where.params, ...sort.params, q.count, q.startIndex - 1],
    );
    // A page that is not full ends the results, so it gives the total without counting: identity
    // providers' `userName eq` lookups are one statement.
    const total = rows.length < q.count && (rows.length > 0 || q.startIndex === 1) ? q.startIndex - 1 + rows.length : await countTotal();
    return { total, users: rows.map(toUser) };
  }

  /**
   * Creates or replaces a user from its resource, as a one-person plan through the engine. `scimId`
   * is the user's id (new for a create); `active` comes from the resource (true when absent on a create).
   */
  async write(
    em: EntityManager,
    caller: ScimCaller,
    actor: Actor,
    input: { scimId: string; resource: Record<string, unknown>; userName: string; externalId: string | null; active: boolean | null; existing: StoredUser | null },
  ): Promise<{ user: StoredUser; outcome: WriteOutcome | null }> {
    const now = this.deps.clock.now();
    let outcome: WriteOutcome | null = null;
    try {
      await em.transactional(async (tem) => {
        const list = await tem.findOneOrFail(MasterListSchema, { id: caller.listId });
        const fields = new Map((await tem.find(ListFieldSchema, { listId: caller.listId })).map((f) => [f.key, f]));
        const uidKey = [...fields.values()].find((f) => f.id === list.uidFieldId)?.key;
        if (!uidKey) throw scimErrors.invalidValue('The list has no UID field; choose one in Rollcall.');
        // The groups field is written from group membership, never from the user resource.
        const rules = (await mappingRules(tem, caller.listId, SCIM_PROVIDER)).filter((r) => r.sourceAttribute !== GROUPS_ATTRIBUTE);
        const attributes = Object.fromEntries(rules.map((r) => [r.sourceAttribute, readPath(input.resource, r.sourceAttribute) ?? null]));
        const mapped = mapRecord({ anchor: input.scimId, attributes, active: input.active }, rules, fields);
        if ('problem' in mapped) throw scimErrors.invalidValue(mapped.problem.reason);
        const uidRule = rules.find((r) => r.fieldKey === uidKey);
        const uid = mapped.person.values[uidKey];
        if (uid === null || uid === undefined || uid === '') {
          throw scimErrors.invalidValue(`"${uidRule?.sourceAttribute ?? uidKey}" is required: it is the list's unique identifier (field "${uidKey}").`);
        }
        const candidates = await loadCandidates(tem, caller.listId, SCIM_PROVIDER, { anchors: [input.scimId], uids: [String(uid)], ids: [] });
        // Another provisioned user holding this UID is a uniqueness conflict, never an adoption.
        const holder = candidates.find((c) => c.uid === String(uid) && c.source === SCIM_PROVIDER && c.sourceAnchor !== input.scimId);
        if (holder) throw scimErrors.uniqueness(`Another user of this list already has ${uidRule?.sourceAttribute ?? uidKey} "${String(uid)}", the list's unique identifier.`);
        const p = plan(candidates, [mapped.person], {
          source: SCIM_PROVIDER,
          uidKey,
          emailKey: null,
          ownedKeys: rules.map((r) => r.fieldKey),
          mode: 'delta',
          removedAnchors: [],
          createInactive: true,
        });
        if (p.problems.length > 0) throw scimErrors.uniqueness(p.problems[0]!.reason);
        await applyPlan(tem, { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor }, p, this.deps.clock);
        outcome = p.creates.length ? 'create' : p.deactivations.length ? 'deactivate' : p.reactivations.length ? 'reactivate' : 'update';
        const [person] = await tem.execute<Array<{ id: string }>>(`SELECT id FROM person WHERE list_id = ? AND source = ? AND source_anchor = ?`, [caller.listId, SCIM_PROVIDER, input.scimId]);
        await tem.execute(
          `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, external_id, resource, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, 1, ?, ?)
           ON CONFLICT (person_id) DO UPDATE SET scim_id = EXCLUDED.scim_id, user_name = EXCLUDED.user_name, external_id = EXCLUDED.external_id,
             resource = EXCLUDED.resource, version = scim_user.version + 1, updated_at = EXCLUDED.updated_at`,
          [person!.id, caller.organizationId, caller.listId, input.scimId, input.userName, input.externalId, JSON.stringify(input.resource), now, now],
        );
      });
    } catch (err) {
      if (isUniqueViolation(err, 'scim_user_user_name_key')) throw scimErrors.uniqueness(`userName "${input.userName}" is already taken in this list.`);
      if (isUniqueViolation(err)) throw scimErrors.uniqueness(`A user with the same unique identifier already exists in this list.`);
      throw err;
    }
    return { user: (await this.get(em, caller.listId, input.scimId))!, outcome };
  }

  /** DELETE (RFC 7644 §3.6) deactivates: the person stays, INACTIVE, and the user reads `active: false`. */
  async deactivate(em: EntityManager, caller: ScimCaller, actor: Actor, user: StoredUser): Promise<boolean> {
    if (!user.active) return false;
    const p = emptyPlan();
    const [person] = await em.execute<Array<{ uid: string }>>(`SELECT uid FROM person WHERE id = ?`, [user.personId]);
    p.deactivations.push({ personId: user.personId, uid: person!.uid, reason: 'removed_from_scope' });
    await em.transactional(async (tem) => {
      await applyPlan(tem, { organizationId: caller.organizationId, listId: caller.listId, source: SCIM_PROVIDER, actor }, p, this.deps.clock);
      await tem.execute(`UPDATE scim_user SET resource = jsonb_set(resource, '{active}', 'false'), version = version + 1, updated_at = ? WHERE person_id = ?`, [this.deps.clock.now(), user.personId]);
    });
    return true;
  }

  /** A fresh SCIM id for a new user. */
  newId(): string {
    return this.deps.ids.uuid();
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import type { PersonValues } from '../../people/person.entity.js';
import { CHANNEL } from '../../events/event-bus.js';
import type { CurrentPerson, Plan, PlannedStatusChange } from './types.js';

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

/** Reads a list's people as planning needs them. */
export async function loadCurrent(em: EntityManager, listId: string): Promise<CurrentPerson[]> {
  const rows = await em.execute<Array<{ id: string; uid: string; status: CurrentPerson['status']; values: PersonValues; source: string | null; source_anchor: string | null }>>(
    `SELECT id, uid, status, "values", source, source_anchor FROM person WHERE list_id = ?`,
    [listId],
  );
  return rows.map((r) => ({ id: r.id, uid: r.uid, status: r.status, values: r.values, source: r.source, sourceAnchor: r.source_anchor }));
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
export async function applyPlan(em: EntityManager, ctx: ApplyContext, plan: Plan, clock: Clock, batchSize = 5000): Promise<ApplyResult> {
  const result: ApplyResult = { created: 0, updated: 0, deactivated: 0, reactivated: 0 };
  const now = clock.now();
  const actor = [ctx.actor.type, ctx.actor.id, ctx.actor.label];

  for (const batch of chunks(plan.creates, batchSize)) {
    await em.transactional(async (tem) => {
      const rows = JSON.stringify(batch.map((c) => ({ anchor: c.anchor, uid: c.uid, values: c.values, status: c.status ?? 'ACTIVE' })));
      const created = await tem.execute<Array<{ id: string }>>(
        `INSERT INTO person (id, organization_id, list_id, uid, status, "values", source, source_anchor, created_at, updated_at, deactivated_at)
         SELECT gen_random_uuid(), ?, ?, d.uid, d.status, d."values", ?, d.anchor, ?, ?, CASE WHEN d.status = 'INACTIVE' THEN ?::timestamptz END
           FROM jsonb_to_recordset(?::jsonb) AS d(anchor text, uid text, "values" jsonb, status text)
         RETURNING id`,
        [ctx.organizationId, ctx.listId, ctx.source, now, now, now, rows],
      );
      await tem.execute(
        `INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
         SELECT gen_random_uuid(), p.organization_id, p.list_id, p.id, 'person', p.id, 'person.created', ?, ?, ?,
                (SELECT coalesce(jsonb_agg(jsonb_build_object('field', e.key, 'before', NULL, 'after', e.value)), '[]'::jsonb) FROM jsonb_each(p."values") e), ?
           FROM person p WHERE p.id = ANY(?::uuid[])`,
        [...actor, now, `{${created.map((r) => r.id).join(',')}}`],
      );
      await notify(tem, ctx, created.map((r) => r.id), 'person.created');
      result.created += created.length;
    });
  }

  for (const batch of chunks(plan.updates, batchSize)) {
    await em.transactional(async (tem) => {
      const rows = JSON.stringify(
        batch.map((u) => ({
          id: u.personId,
          uid: u.uid,
          anchor: u.anchor,
          patch: Object.fromEntries(u.changes.filter((c) => c.after !== null).map((c) => [c.field, c.after])),
          remove: u.changes.filter((c) => c.after === null).map((c) => c.field),
          changes: u.changes,
        })),
      );
      const updated = await tem.execute<Array<{ id: string }>>(
        `UPDATE person p
            SET "values" = (p."values" - d.remove) || d.patch, uid = d.uid, source = ?, source_anchor = d.anchor,
                version = p.version + 1, updated_at = ?
           FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, uid text, anchor text, patch jsonb, remove text[])
          WHERE p.id = d.id AND p.list_id = ?
         RETURNING p.id`,
        [ctx.source, now, rows, ctx.listId],
      );
      await tem.execute(
        `INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
         SELECT gen_random_uuid(), ?, ?, d.id, 'person', d.id, 'person.updated', ?, ?, ?, d.changes, ?
           FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, changes jsonb)
          WHERE jsonb_array_length(d.changes) > 0`,
        [ctx.organizationId, ctx.listId, ...actor, now, rows],
      );
      const changed = new Set(batch.filter((u) => u.changes.length > 0).map((u) => u.personId));
      await notify(tem, ctx, updated.map((r) => r.id).filter((id) => changed.has(id)), 'person.updated');
      result.updated += changed.size;
    });
  }

  result.deactivated += await setStatus(em, ctx, plan.deactivations, 'INACTIVE', now, actor, batchSize);
  result.reactivated += await setStatus(em, ctx, plan.reactivations, 'ACTIVE', now, actor, batchSize);
  return result;
}

async function setStatus(
  em: EntityManager,
  ctx: ApplyContext,
  changes: readonly PlannedStatusChange[],
  status: 'ACTIVE' | 'INACTIVE',
  now: Date,
  actor: unknown[],
  batchSize: number,
): Promise<number> {
  let n = 0;
  const from = status === 'ACTIVE' ? 'INACTIVE' : 'ACTIVE';
  const action = status === 'ACTIVE' ? 'person.reactivated' : 'person.deactivated';
  for (const batch of chunks(changes, batchSize)) {
    await em.transactional(async (tem) => {
      // Only people still in the opposite state change: a plan applied twice writes nothing.
      const rows = await tem.execute<Array<{ id: string }>>(
        `UPDATE person SET status = ?, deactivated_at = ?, updated_at = ?, version = version + 1
          WHERE list_id = ? AND status = ? AND id = ANY(?::uuid[])
        RETURNING id`,
        [status, status === 'INACTIVE' ? now : null, now, ctx.listId, from, `{${batch.map((c) => c.personId).join(',')}}`],
      );
      const ids = rows.map((r) => r.id);
      await tem.execute(
        `INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
         SELECT gen_random_uuid(), ?, ?, id, 'person', id, ?, ?, ?, ?, jsonb_build_array(jsonb_build_object('field', 'status', 'before', ?::text, 'after', ?::text)), ?
           FROM unnest(?::uuid[]) AS id`,
        [ctx.organizationId, ctx.listId, action, ...actor, from, status, now, `{${ids.join(',')}}`],
      );
      await notify(tem, ctx, ids, action);
      n += ids.length;
    });
  }
  return n;
}

/** One pg_notify per person, in the batch's transaction (delivered on commit only). */
async function notify(em: EntityManager, ctx: ApplyContext, ids: string[], type: string): Promise<void> {
  if (ids.length === 0) return;
  await em.execute(
    `SELECT pg_notify(?, json_build_object('type', ?::text, 'organizationId', ?::uuid, 'listId', ?::uuid, 'personId', id)::text)
       FROM unnest(?::uuid[]) AS id`,
    [CHANNEL, type, ctx.organizationId, ctx.listId, `{${ids.join(',')}}`],
  );
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { AuditEntrySchema, type Actor, type AuditEntry, type FieldChange } from './audit-entry.entity.js';
import { clampPageSize, invalidCursor } from '../shared/pagination.js';

export interface AuditRecord {
  organizationId: string;
  listId?: string | null;
  personId?: string | null;
  entityType: string;
  entityId: string;
  action: string;
  actor: Actor;
  changes: FieldChange[];
}

/** Writes and reads the audit trail. Entries join the caller's unit of work, so they commit with the change. */
export class AuditService {
  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  record(em: EntityManager, r: AuditRecord): AuditEntry {
    return em.create(AuditEntrySchema, {
      id: this.ids.uuid(),
      organizationId: r.organizationId,
      listId: r.listId ?? null,
      personId: r.personId ?? null,
      entityType: r.entityType,
      entityId: r.entityId,
      action: r.action,
      actorType: r.actor.type,
      actorId: r.actor.id,
      actorLabel: r.actor.label,
      changes: r.changes,
      at: this.clock.now(),
    });
  }

  /** Newest first, keyset-paginated on the insertion sequence. */
  async list(
    em: EntityManager,
    organizationId: string,
    scope: { listId?: string; personId?: string },
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ entries: AuditEntry[]; hasNextPage: boolean; endCursor: string | null }> {
    const limit = clampPageSize(first, 50, 500);
    const where: string[] = ['organization_id = ?'];
    const params: unknown[] = [organizationId];
    if (scope.listId) {
      where.push('list_id = ?');
      params.push(scope.listId);
    }
    if (scope.personId) {
      where.push('person_id = ?');
      params.push(scope.personId);
    }
    if (after) {
      // Cursors are sequence numbers; anything else (or one beyond bigint) was not returned by us.
      if (!/^\d{1,18}$/.test(after)) throw invalidCursor();
      where.push('seq < ?');
      params.push(after);
    }
    // ORDER BY names the table column: the text alias `seq` would sort "9" after "10".
    const rows = await em.execute<Array<Record<string, unknown>>>(
      `SELECT id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id,
              actor_label, changes, at, seq::text AS seq
         FROM audit_entry WHERE ${where.join(' AND ')} ORDER BY audit_entry.seq DESC LIMIT ?`,
      [...params, limit + 1],
    );
    const entries = rows.slice(0, limit).map(
      (r): AuditEntry => ({
        id: r.id as string,
        organizationId: r.organization_id as string,
        listId: r.list_id as string | null,
        personId: r.person_id as string | null,
        entityType: r.entity_type as string,
        entityId: r.entity_id as string,
        action: r.action as string,
        actorType: r.actor_type as AuditEntry['actorType'],
        actorId: r.actor_id as string | null,
        actorLabel: r.actor_label as string,
        changes: r.changes as FieldChange[],
        at: new Date(r.at as string),
        seq: r.seq as string,
      }),
    );
    return { entries, hasNextPage: rows.length > limit, endCursor: entries.at(-1)?.seq ?? null };
  }

  /**
   * Removes a person's field values from their past audit entries (a privacy erase keeps who
   * changed what and when, not the personal data).
   */
  async scrubPerson(em: EntityManager, organizationId: string, personId: string): Promise<void> {
    await em.execute(
      `UPDATE audit_entry
          SET changes = (SELECT coalesce(jsonb_agg(jsonb_build_object('field', c->>'field', 'before', NULL, 'after', NULL)), '[]'::jsonb)
                           FROM jsonb_array_elements(changes) c)
        WHERE organization_id = ? AND person_id = ?`,
      [organizationId, personId],
    );
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { errors } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ListsService } from '../lists/lists.service.js';
import { providerLabel } from '../lists/lists.service.js';
import type { MasterList } from '../lists/list.entities.js';
import { AUTO_APPROVE_KINDS, type AutoApproveKind } from './engine/safety.js';

/** A list's relationship with its sync provider. */
export class ListSyncService {
  constructor(private readonly deps: { lists: ListsService; audit: AuditService; scimTokens?: { forgetList(listId: string): void } }) {}

  /**
   * Disconnects the list's sync provider: every person stays (with the values they have), the
   * provider's mappings go, so its fields unlock and become editable by hand. Refused while a
   * run of the list is active.
   */
  async disconnect(em: EntityManager, viewer: Viewer, listId: string): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    if (!list.syncProvider) throw errors.conflict('This list has no sync provider to disconnect.');
    const provider = list.syncProvider;
    await em.transactional(async (tem) => {
      // Taken with the row lock of the list, so a run cannot start between the check and the change.
      await tem.execute(`SELECT 1 FROM master_list WHERE id = ? FOR UPDATE`, [list.id]);
      const active = await tem.execute<Array<{ id: string }>>(`SELECT id FROM sync_run WHERE list_id = ? AND status IN ('QUEUED', 'RUNNING')`, [list.id]);
      if (active.length > 0) throw errors.conflict(`A ${providerLabel(provider)} sync of this list is running; wait for it to finish, then disconnect.`);
      const unlocked = await tem.execute<Array<{ key: string }>>(
        `DELETE FROM field_mapping m USING list_field f WHERE m.field_id = f.id AND m.list_id = ? AND m.provider = ? RETURNING f.key`,
        [list.id, provider],
      );
      await tem.execute(`UPDATE master_list SET sync_provider = NULL, updated_at = now() WHERE id = ?`, [list.id]);
      // The schedule and the delta state go with the connection to the provider; so do the SCIM
      // connection and every bearer token of the list (the IdP gets 401 from its next request).
      await tem.execute(`DELETE FROM entra_list_sync WHERE list_id = ?`, [list.id]);
      await tem.execute(`DELETE FROM scim_connection WHERE list_id = ?`, [list.id]);
      const revoked = await tem.execute<Array<{ prefix: string }>>(
        `UPDATE scim_token SET revoked_at = now() WHERE list_id = ? AND revoked_at IS NULL RETURNING prefix`,
        [list.id],
      );
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'sync.disconnected',
        actor: viewer.actor,
        changes: [
          { field: 'syncProvider', before: provider, after: null },
          { field: 'unlockedFields', before: unlocked.map((r) => r.key).sort(), after: [] },
          ...(revoked.length > 0 ? [{ field: 'revokedScimTokens', before: revoked.map((r) => r.prefix).sort(), after: [] }] : []),
        ],
      });
    });
    this.deps.scimTokens?.forgetList(list.id);
    em.clear();
    return this.deps.lists.list(em, viewer, list.id);
  }

  /**
   * The list setting "review directory changes before applying": when on, a sync run holding any
   * kind of change not in `autoApprove` halts with its whole plan kept for approval, as a run
   * over the deactivation limit does; a run whose changes are all auto-approved applies as usual.
   */
  async setReviewPolicy(em: EntityManager, viewer: Viewer, listId: string, review: boolean, autoApprove: readonly AutoApproveKind[]): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    const kinds = AUTO_APPROVE_KINDS.filter((k) => autoApprove.includes(k));
    const before = { review: list.reviewSyncChanges, autoApprove: list.autoApprove };
    await em.transactional(async (tem) => {
      await tem.execute(`UPDATE master_list SET review_sync_changes = ?, auto_approve = ?::jsonb, updated_at = now() WHERE id = ?`, [review, JSON.stringify(kinds), list.id]);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'master_list.sync_review_changed',
        actor: viewer.actor,
        changes: [
          { field: 'reviewSyncChanges', before: before.review, after: review },
          { field: 'autoApprove', before: before.autoApprove, after: kinds },
        ],
      });
    });
    return { ...list, reviewSyncChanges: review, autoApprove: kinds };
  }
}

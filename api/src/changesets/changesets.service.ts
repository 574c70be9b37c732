import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { errors, isUniqueViolation } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { ListsService } from '../lists/lists.service.js';
import type { MasterList } from '../lists/list.entities.js';
import { SESSION_PHOTO_PATH, uidText } from '../lists/field-values.js';
import type { PersonValues } from '../people/person.entity.js';
import type { SessionsService } from '../sessions/sessions.service.js';
import { applyPlan } from '../sync/engine/apply.js';
import { emptyPlan } from '../sync/engine/plan.js';
import type { PlannedUpdate } from '../sync/engine/types.js';
import { allowedDecisions, applyStep, classifyChange, editedFields, rollbackStep, type ChangeKind, type Decision, type Value } from './classify.js';

export interface ChangesetsServiceDeps {
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  events: EventBus;
  lists: ListsService;
  sessions: SessionsService;
}

export type ChangesetStatus = 'REVIEW' | 'APPLIED' | 'ROLLED_BACK' | 'SUPERSEDED';
export type ChangeOutcome = 'APPLIED' | 'RESTORED' | 'ROLLBACK_CONFLICT';

/** A reviewed set of changes to a list, saved from a session. */
export interface Changeset {
  id: string;
  organizationId: string;
  listId: string;
  sessionId: string | null;
  sessionName: string | null;
  status: ChangesetStatus;
  createdBy: string;
  createdAt: Date;
  appliedBy: string | null;
  appliedAt: Date | null;
  rolledBackBy: string | null;
  rolledBackAt: Date | null;
}

/** One person's field in a changeset: the three values, what kind of change it is, the decision. */
export interface Change {
  id: string;
  changesetId: string;
  personId: string;
  uid: string;
  field: string;
  base: Value;
  session: Value;
  master: Value;
  kind: ChangeKind;
  blockedReason: string | null;
  photoId: string | null;
  decision: Decision;
  decidedBy: string | null;
  decidedAt: Date | null;
  returnedAt: Date | null;
  outcome: ChangeOutcome | null;
  appliedBefore: Value;
}

/** How many changes a changeset has of each kind, decision and outcome. */
export interface ChangesetCounts {
  total: number;
  clean: number;
  conflict: number;
  nothing: number;
  blocked: number;
  pending: number;
  approved: number;
  rejected: number;
  keptMaster: number;
  skipped: number;
  applied: number;
  restored: number;
  rollbackConflicts: number;
}

const CHANGESET_COLUMNS = `c.id, c.organization_id, c.list_id, c.session_id, s.name AS session_name, c.status, c.created_by, c.created_at,
  c.applied_by, c.applied_at, c.rolled_back_by, c.rolled_back_at`;
const CHANGESET_FROM = `changeset c LEFT JOIN list_session s ON s.id = c.session_id`;
const date = (v: unknown) => (v ? new Date(v as string) : null);
const toChangeset = (r: Record<string, unknown>): Changeset => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  listId: r.list_id as string,
  sessionId: (r.session_id as string | null) ?? null,
  sessionName: (r.session_name as string | null) ?? null,
  status: r.status as ChangesetStatus,
  createdBy: r.created_by as string,
  createdAt: new Date(r.created_at as string),
  appliedBy: (r.applied_by as string | null) ?? null,
  appliedAt: date(r.applied_at),
  rolledBackBy: (r.rolled_back_by as string | null) ?? null,
  rolledBackAt: date(r.rolled_back_at),
});
const toChange = (r: Record<string, unknown>): Change => ({
  id: r.id as string,
  changesetId: r.changeset_id as string,
  personId: r.person_id as string,
  uid: r.uid as string,
  field: r.field as string,
  base: r.base as Value,
  session: r.session as Value,
  master: r.master as Value,
  kind: r.kind as ChangeKind,
  blockedReason: (r.blocked_reason as string | null) ?? null,
  photoId: (r.photo_id as string | null) ?? null,
  decision: r.decision as Decision,
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: date(r.decided_at),
  returnedAt: date(r.returned_at),
  outcome: (r.outcome as ChangeOutcome | null) ?? null,
  appliedBefore: (r.applied_before as Value) ?? null,
});

/** The photo id a session photo value points at, or null for any other value. */
function photoIdOf(value: Value): string | null {
  return typeof value === 'string' && SESSION_PHOTO_PATH.test(value) ? value.slice('/session-photos/'.length, value.indexOf('?')) : null;
}

/** What apply or rollback did. */
export interface ChangesetWriteResult {
  changeset: Changeset;
  /** Fields written (apply) or restored (rollback). */
  written: number;
  /** Apply: approved changes that went back to review because the list changed after review. */
  returnedToReview: number;
  /** Rollback: fields changed again since the apply, left as they are. */
  conflicts: number;
}

/**
 * Changesets: "save to master list" (three-way classification of a session's edits), review
 * decisions, apply through the engine's writer with a stale check, rollback, and history.
 */
export class ChangesetsService {
  constructor(private readonly deps: ChangesetsServiceDeps) {}

  /**
   * Builds a changeset from a session's edits: for each edited person and field, the snapshot's
   * value, the session's and the list's now, classified. A changeset of the same session still in
   * review is superseded by the new one.
   */
  async saveSession(em: EntityManager, viewer: Viewer, sessionId: string): Promise<Changeset> {
    requireRole(viewer, 'ADMIN');
    const session = await this.deps.sessions.session(em, viewer, sessionId);
    const list = await this.deps.lists.list(em, viewer, session.listId);
    const locked = await this.deps.lists.lockedFields(em, list);
    const photoKeys = new Set((await this.deps.lists.fields(em, list.id)).filter((f) => f.type === 'PHOTO').map((f) => f.key));
    const id = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    return em.transactional(async (tem) => {
      // Only people whose copy differs from the snapshot; the list's values read in the same statement.
      const edited = await tem.execute<Array<{ person_id: string; uid: string; base: PersonValues; values: PersonValues; master: PersonValues }>>(
        `SELECT sp.person_id, p.uid, sp.base, sp."values", p."values" AS master
           FROM session_person sp JOIN person p ON p.id = sp.person_id
          WHERE sp.session_id = ? AND sp."values" <> sp.base ORDER BY p.uid, p.id`,
        [session.id],
      );
      const rows = edited.flatMap((p) =>
        editedFields(p.base, p.values).map((field) => {
          const photo = photoKeys.has(field);
          const triple = { field, base: p.base[field] ?? null, session: p.values[field] ?? null, master: p.master[field] ?? null, lockedBy: locked.get(field) ?? null, photo };
          const { kind, blockedReason } = classifyChange(triple);
          return { id: this.deps.ids.uuid(), person_id: p.person_id, uid: p.uid, field, base: triple.base, session: triple.session, master: triple.master, kind, blocked_reason: blockedReason, photo_id: photo ? photoIdOf(triple.session) : null };
        }),
      );
      if (rows.length === 0) throw errors.badInput('This session has no edits to save: change a value or approve a photo first.', 'sessionId');
      await tem.execute(`UPDATE changeset SET status = 'SUPERSEDED' WHERE session_id = ? AND status = 'REVIEW'`, [session.id]);
      await tem.execute(`INSERT INTO changeset (id, organization_id, list_id, session_id, status, created_by, created_at) VALUES (?, ?, ?, ?, 'REVIEW', ?, ?)`, [
        id, viewer.organizationId, list.id, session.id, viewer.actor.label, now,
      ]);
      await tem.execute(
        `INSERT INTO changeset_change (id, changeset_id, person_id, uid, field, base, session, master, kind, blocked_reason, photo_id, position)
         SELECT d.id, ?, d.person_id, d.uid, d.field, coalesce(d.base, 'null'), coalesce(d.session, 'null'), coalesce(d.master, 'null'), d.kind, d.blocked_reason, d.photo_id, d.position
           FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, person_id uuid, uid text, field text, base jsonb, session jsonb, master jsonb, kind text, blocked_reason text, photo_id uuid, position int)`,
        [id, JSON.stringify(rows.map((r, position) => ({ ...r, position })))],
      );
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId, listId: list.id, entityType: 'changeset', entityId: id, action: 'changeset.created', actor: viewer.actor,
        changes: [{ field: 'session', before: null, after: session.name }, { field: 'changes', before: null, after: rows.length }],
      });
      await this.announce(tem, viewer, list.id, id);
      return this.load(tem, viewer, id);
    });
  }

  /** A changeset of the caller's organisation, or NOT_FOUND. */
  async changeset(em: EntityManager, viewer: Viewer, id: string): Promise<Changeset> {
    return this.load(em, viewer, id);
  }

  /** A list's changesets, newest first: the history of who saved, applied and rolled back what. */
  async history(em: EntityManager, viewer: Viewer, listId: string, first: number | null): Promise<Changeset[]> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const rows = await em.execute(`SELECT ${CHANGESET_COLUMNS} FROM ${CHANGESET_FROM} WHERE c.list_id = ? AND c.organization_id = ? ORDER BY c.created_at DESC, c.id LIMIT ?`, [
      list.id, viewer.organizationId, Math.min(Math.max(first ?? 50, 1), 500),
    ]);
    return rows.map(toChangeset);
  }

  /** A changeset's changes in the order they were built (person by UID, then field), optionally of some kinds. */
  async changes(em: EntityManager, changesetId: string, kinds: readonly ChangeKind[] | null): Promise<Change[]> {
    const rows = await em.execute(
      `SELECT * FROM changeset_change WHERE changeset_id = ?${kinds?.length ? ' AND kind = ANY(?::text[])' : ''} ORDER BY position`,
      kinds?.length ? [changesetId, `{${kinds.join(',')}}`] : [changesetId],
    );
    return rows.map(toChange);
  }

  async counts(em: EntityManager, changesetId: string): Promise<ChangesetCounts> {
    const [r] = await em.execute<Array<Record<string, number>>>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE kind = 'CLEAN')::int AS clean, count(*) FILTER (WHERE kind = 'CONFLICT')::int AS conflict,
              count(*) FILTER (WHERE kind = 'NOTHING')::int AS nothing, count(*) FILTER (WHERE kind = 'BLOCKED')::int AS blocked,
              count(*) FILTER (WHERE kind IN ('CLEAN', 'CONFLICT') AND decision = 'PENDING')::int AS pending,
              count(*) FILTER (WHERE decision = 'APPROVED')::int AS approved, count(*) FILTER (WHERE decision = 'REJECTED')::int AS rejected,
              count(*) FILTER (WHERE decision = 'KEEP_MASTER')::int AS "keptMaster", count(*) FILTER (WHERE decision = 'SKIPPED')::int AS skipped,
              count(*) FILTER (WHERE outcome IN ('APPLIED', 'RESTORED', 'ROLLBACK_CONFLICT'))::int AS applied,
              count(*) FILTER (WHERE outcome = 'RESTORED')::int AS restored, count(*) FILTER (WHERE outcome = 'ROLLBACK_CONFLICT')::int AS "rollbackConflicts"
         FROM changeset_change WHERE changeset_id = ?`,
      [changesetId],
    );
    return r as unknown as ChangesetCounts;
  }

  /** Records one decision for the given changes; each must accept it (see `allowedDecisions`). */
  async decide(em: EntityManager, viewer: Viewer, changesetId: string, changeIds: readonly string[], decision: Decision): Promise<Changeset> {
    requireRole(viewer, 'ADMIN');
    if (changeIds.length === 0) throw errors.badInput('Name at least one change to decide.', 'changeIds');
    if (!changeIds.every(isUuid)) throw errors.badInput('A change id is not one this changeset has.', 'changeIds');
    return em.transactional(async (tem) => {
      const changeset = await this.inReview(tem, viewer, changesetId);
      const rows = await tem.execute<Array<{ id: string; kind: ChangeKind; uid: string; field: string }>>(
        `SELECT id, kind, uid, field FROM changeset_change WHERE changeset_id = ? AND id = ANY(?::uuid[]) FOR UPDATE`,
        [changeset.id, `{${changeIds.join(',')}}`],
      );
      if (rows.length !== new Set(changeIds).size) throw errors.badInput('A change id is not one this changeset has; reload the changeset.', 'changeIds');
      const refused = rows.find((r) => !allowedDecisions(r.kind).includes(decision));
      if (refused) {
        const allowed = allowedDecisions(refused.kind);
        throw errors.badInput(
          allowed.length === 0
            ? `"${refused.field}" of ${refused.uid} is ${refused.kind.toLowerCase()}: there is nothing to decide.`
            : `"${refused.field}" of ${refused.uid} is a ${refused.kind.toLowerCase()} change; choose one of ${allowed.filter((d) => d !== 'PENDING').join(', ')}.`,
          'decision',
        );
      }
      await tem.execute(`UPDATE changeset_change SET decision = ?, decided_by = ?, decided_at = ? WHERE changeset_id = ? AND id = ANY(?::uuid[])`, [
        decision, decision === 'PENDING' ? null : viewer.actor.label, decision === 'PENDING' ? null : this.deps.clock.now(), changeset.id, `{${changeIds.join(',')}}`,
      ]);
      await this.announce(tem, viewer, changeset.listId, changeset.id);
      return changeset;
    });
  }

  /** Approves every clean change still pending. */
  async approveClean(em: EntityManager, viewer: Viewer, changesetId: string): Promise<Changeset> {
    requireRole(viewer, 'ADMIN');
    return em.transactional(async (tem) => {
      const changeset = await this.inReview(tem, viewer, changesetId);
      await tem.execute(`UPDATE changeset_change SET decision = 'APPROVED', decided_by = ?, decided_at = ? WHERE changeset_id = ? AND kind = 'CLEAN' AND decision = 'PENDING'`, [
        viewer.actor.label, this.deps.clock.now(), changeset.id,
      ]);
      await this.announce(tem, viewer, changeset.listId, changeset.id);
      return changeset;
    });
  }

  /**
   * Writes the approved changes in one transaction through the engine's writer (audit rows and
   * person events in the same statements). The people concerned are locked first; an approved
   * change whose list value is no longer the one the reviewer saw (or whose field became locked)
   * goes back to review with the new value, and then nothing is written.
   */
  async apply(em: EntityManager, viewer: Viewer, changesetId: string): Promise<ChangesetWriteResult> {
    requireRole(viewer, 'ADMIN');
    return em.transactional(async (tem) => {
      const changeset = await this.inReview(tem, viewer, changesetId);
      const counts = await this.counts(tem, changeset.id);
      if (counts.pending > 0) {
        throw errors.conflict(`${counts.pending} change${counts.pending === 1 ? '' : 's'} still await${counts.pending === 1 ? 's' : ''} a decision; approve or reject ${counts.pending === 1 ? 'it' : 'them'} (or resolve the conflicts) before applying.`, { pending: counts.pending });
      }
      const { list, locked, photoKeys, uidKey } = await this.listContext(tem, viewer, changeset.listId);
      const approved = (await this.changes(tem, changeset.id, null)).filter((c) => c.decision === 'APPROVED');
      const current = await this.lockPeople(tem, list.id, approved.map((c) => c.personId));
      const now = this.deps.clock.now();
      const stale = approved.filter((c) => applyStep(c.master, current.get(c.personId)?.values[c.field] ?? null, locked.get(c.field) ?? null, photoKeys.has(c.field)) === 'RETURN');
      if (stale.length > 0) {
        const back = stale.map((c) => {
          const master = current.get(c.personId)?.values[c.field] ?? null;
          const { kind, blockedReason } = classifyChange({ field: c.field, base: c.base, session: c.session, master, lockedBy: locked.get(c.field) ?? null, photo: photoKeys.has(c.field) });
          return { id: c.id, master, kind, blocked_reason: blockedReason };
        });
        await tem.execute(
          `UPDATE changeset_change c SET master = coalesce(d.master, 'null'), kind = d.kind, blocked_reason = d.blocked_reason, decision = 'PENDING', decided_by = NULL, decided_at = NULL, returned_at = ?
             FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, master jsonb, kind text, blocked_reason text) WHERE c.id = d.id`,
          [now, JSON.stringify(back)],
        );
        await this.announce(tem, viewer, list.id, changeset.id);
        return { changeset, written: 0, returnedToReview: stale.length, conflicts: 0 };
      }
      const written = await this.write(tem, viewer, list.id, uidKey, current, approved.map((c) => ({ personId: c.personId, field: c.field, after: c.session })));
      await tem.execute(
        `UPDATE changeset_change c SET outcome = 'APPLIED', applied_before = d.before FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, before jsonb) WHERE c.id = d.id`,
        [JSON.stringify(approved.map((c) => ({ id: c.id, before: current.get(c.personId)?.values[c.field] ?? null })))],
      );
      await tem.execute(`UPDATE changeset SET status = 'APPLIED', applied_by = ?, applied_at = ? WHERE id = ?`, [viewer.actor.label, now, changeset.id]);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId, listId: list.id, entityType: 'changeset', entityId: changeset.id, action: 'changeset.applied', actor: viewer.actor,
        changes: [{ field: 'fields', before: null, after: written }],
      });
      await this.announce(tem, viewer, list.id, changeset.id);
      return { changeset: await this.load(tem, viewer, changeset.id), written, returnedToReview: 0, conflicts: 0 };
    });
  }

  /**
   * Restores the values an applied changeset replaced, in one transaction through the engine's
   * writer. A field changed again since the apply is left as it is and reported as a conflict.
   */
  async rollback(em: EntityManager, viewer: Viewer, changesetId: string): Promise<ChangesetWriteResult> {
    requireRole(viewer, 'ADMIN');
    return em.transactional(async (tem) => {
      const changeset = await this.lockChangeset(tem, viewer, changesetId);
      if (changeset.status !== 'APPLIED') {
        throw errors.conflict(`Only an applied changeset can be rolled back; this one is ${changeset.status.toLowerCase().replace('_', ' ')}.`, { status: changeset.status });
      }
      const { list, locked, photoKeys, uidKey } = await this.listContext(tem, viewer, changeset.listId);
      const applied = (await this.changes(tem, changeset.id, null)).filter((c) => c.outcome === 'APPLIED');
      const current = await this.lockPeople(tem, list.id, applied.map((c) => c.personId));
      const steps = applied.map((c) => ({ c, step: rollbackStep(c.session, current.get(c.personId)?.values[c.field] ?? null, locked.get(c.field) ?? null, photoKeys.has(c.field)) }));
      const restore = steps.filter((s) => s.step === 'RESTORE').map((s) => s.c);
      const written = await this.write(tem, viewer, list.id, uidKey, current, restore.map((c) => ({ personId: c.personId, field: c.field, after: c.appliedBefore })));
      await tem.execute(
        `UPDATE changeset_change c SET outcome = d.outcome FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, outcome text) WHERE c.id = d.id`,
        [JSON.stringify(steps.map((s) => ({ id: s.c.id, outcome: s.step === 'RESTORE' ? 'RESTORED' : 'ROLLBACK_CONFLICT' })))],
      );
      const now = this.deps.clock.now();
      await tem.execute(`UPDATE changeset SET status = 'ROLLED_BACK', rolled_back_by = ?, rolled_back_at = ? WHERE id = ?`, [viewer.actor.label, now, changeset.id]);
      const conflicts = steps.length - restore.length;
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId, listId: list.id, entityType: 'changeset', entityId: changeset.id, action: 'changeset.rolled_back', actor: viewer.actor,
        changes: [{ field: 'restored', before: null, after: written }, { field: 'conflicts', before: null, after: conflicts }],
      });
      await this.announce(tem, viewer, list.id, changeset.id);
      return { changeset: await this.load(tem, viewer, changeset.id), written, returnedToReview: 0, conflicts };
    });
  }

  private async load(em: EntityManager, viewer: Viewer, id: string, forUpdate = false): Promise<Changeset> {
    const rows = isUuid(id)
      ? await em.execute(`SELECT ${CHANGESET_COLUMNS} FROM ${CHANGESET_FROM} WHERE c.id = ? AND c.organization_id = ?${forUpdate ? ' FOR UPDATE OF c' : ''}`, [id, viewer.organizationId])
      : [];
    if (!rows[0]) throw errors.notFound('Changeset', id);
    return toChangeset(rows[0]);
  }

  /** The changeset row, locked for this transaction: reviewers deciding at once queue up here. */
  private lockChangeset(em: EntityManager, viewer: Viewer, id: string): Promise<Changeset> {
    return this.load(em, viewer, id, true);
  }

  private async inReview(em: EntityManager, viewer: Viewer, id: string): Promise<Changeset> {
    const changeset = await this.lockChangeset(em, viewer, id);
    if (changeset.status !== 'REVIEW') {
      const why = { APPLIED: 'it has been applied', ROLLED_BACK: 'it has been rolled back', SUPERSEDED: 'the session was saved again since; review the newer changeset' }[changeset.status as Exclude<ChangesetStatus, 'REVIEW'>];
      throw errors.conflict(`This changeset is no longer in review: ${why}.`, { status: changeset.status });
    }
    return changeset;
  }

  private async listContext(em: EntityManager, viewer: Viewer, listId: string): Promise<{ list: MasterList; locked: Map<string, string>; photoKeys: Set<string>; uidKey: string }> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const fields = await this.deps.lists.fields(em, list.id);
    const uidKey = fields.find((f) => f.id === list.uidFieldId)?.key;
    if (!uidKey) throw errors.conflict('This list has no UID field; choose one in the list settings before applying changes.');
    return { list, locked: await this.deps.lists.lockedFields(em, list), photoKeys: new Set(fields.filter((f) => f.type === 'PHOTO').map((f) => f.key)), uidKey };
  }

  /** The people concerned, locked until the transaction ends, so the values checked are the values replaced. */
  private async lockPeople(em: EntityManager, listId: string, ids: readonly string[]): Promise<Map<string, { uid: string; anchor: string | null; values: PersonValues }>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await em.execute<Array<{ id: string; uid: string; source_anchor: string | null; values: PersonValues }>>(
      `SELECT id, uid, source_anchor, "values" FROM person WHERE list_id = ? AND id = ANY(?::uuid[]) ORDER BY id FOR UPDATE`,
      [listId, `{${unique.join(',')}}`],
    );
    return new Map(rows.map((r) => [r.id, { uid: r.uid, anchor: r.source_anchor, values: r.values }]));
  }

  /** Field writes as one plan of updates for the engine's writer, which keeps each person's source. */
  private async write(
    em: EntityManager,
    viewer: Viewer,
    listId: string,
    uidKey: string,
    current: Map<string, { uid: string; anchor: string | null; values: PersonValues }>,
    writes: Array<{ personId: string; field: string; after: Value }>,
  ): Promise<number> {
    const byPerson = new Map<string, Array<{ field: string; after: Value }>>();
    let count = 0;
    for (const w of writes) {
      if (!current.has(w.personId)) continue;
      byPerson.set(w.personId, [...(byPerson.get(w.personId) ?? []), w]);
      count += 1;
    }
    const plan = emptyPlan();
    for (const [personId, fields] of byPerson) {
      const person = current.get(personId)!;
      const values: PersonValues = { ...person.values };
      const changes = fields.map((f) => ({ field: f.field, before: person.values[f.field] ?? null, after: f.after }));
      for (const f of fields) {
        if (f.after === null) delete values[f.field];
        else values[f.field] = f.after;
      }
      const uid = uidText(values[uidKey] ?? null);
      if (uid === null) throw errors.badInput(`The change would leave ${person.uid} without a UID; reject the change of "${uidKey}".`, uidKey);
      const update: PlannedUpdate = { personId, uid, anchor: person.anchor ?? '', changes, values, reanchor: false };
      plan.updates.push(update);
    }
    if (plan.updates.length === 0) return 0;
    try {
      await applyPlan(em, { organizationId: viewer.organizationId, listId, source: 'session', actor: viewer.actor }, plan, this.deps.clock);
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict('Another person of this list already has one of the new UIDs; reject that change or change the other person first.');
      throw err;
    }
    return count;
  }

  private async announce(em: EntityManager, viewer: Viewer, listId: string, changesetId: string): Promise<void> {
    await this.deps.events.publish(em, { type: 'changeset.updated', organizationId: viewer.organizationId, listId, changesetId });
  }
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { errors, isUniqueViolation } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { ListFieldSchema, MasterListSchema, type ListField } from '../../lists/list.entities.js';
import { mapRecord, type FieldMappingRule, type Transform } from './mapping.js';
import { plan as makePlan, planCounts } from './plan.js';
import { checkSafety, DEFAULT_THRESHOLD, type DeactivationThreshold } from './safety.js';
import { applyPlan, loadCurrent } from './apply.js';
import type { DesiredPerson, Plan, PlanProblem, SourceRecord } from './types.js';
import { CHANNEL } from '../../events/event-bus.js';

/** Where desired state comes from: pages of records, and for delta runs the anchors removed. */
export interface Source {
  /** Stored on the people it manages and matched against field mappings, e.g. "entra". */
  name: string;
  pages(): AsyncIterable<SourceRecord[]>;
  /** Delta runs: anchors that left the scope, known once every page has been read. */
  removedAnchors?(): readonly string[];
  /**
   * How the pages turned out to be read, known once every page has been read: a delta source
   * may fall back to a full read (its state expired), and then missing people are out of scope.
   */
  effectiveMode?(): 'full' | 'delta';
  /** Why the run did not go as asked (e.g. a delta run became a full read), for the run record. */
  note?(): string | null;
  /**
   * Called once the run's changes are written, before the run is marked done: the source may store
   * where to continue from and do follow-up work (photos), returning counts to add.
   */
  committed?(): Promise<Partial<RunCounts> | void>;
}

export type RunMode = 'FULL' | 'DELTA' | 'DRY_RUN';
export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'HALTED' | 'CANCELLED';

export interface RunRequest {
  organizationId: string;
  listId: string;
  source: Source;
  trigger: 'MANUAL' | 'SCHEDULE' | 'RETRY';
  mode: RunMode;
  actor: Actor;
  threshold?: DeactivationThreshold;
  /** Create people for disabled accounts (as inactive) rather than leave them out. */
  createInactive?: boolean;
}

export interface RunCounts {
  seen: number;
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  errors: number;
  /** Profile photos imported or changed (sources with photos). */
  photos?: number;
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  counts: RunCounts;
  reason: string | null;
  problems: PlanProblem[];
}

/** Heartbeat and progress announcements while a run works: at least once a second. */
const HEARTBEAT_MS = 1_000;
/** A running run whose heartbeat is older than this belonged to a process that stopped. */
export const STALE_AFTER_MS = 30_000;
/** A queued run no worker has taken after this long is given up (workers poll every second or so). */
export const QUEUED_STALE_AFTER_MS = 15 * 60_000;
const KEEP_ERRORS = 200;

/**
 * Runs a source into a list: records the run, reads pages, maps, plans, checks safety, applies
 * (or, for a dry run or a halt, keeps the plan instead). One run per list at a time across every
 * process (a partial unique index); a run left RUNNING by a crashed process is marked FAILED when
 * its heartbeat goes stale, and the next run converges because planning compares states.
 */
export class SyncRunner {
  constructor(private readonly deps: { orm: MikroORM; clock: Clock; ids: IdGenerator; logger: Logger; /** Default STALE_AFTER_MS. */ staleAfterMs?: number }) {}

  /**
   * Records a run as QUEUED (it becomes RUNNING when a worker takes it). Refused with CONFLICT
   * when the list already has a queued or running run, in any process.
   */
  async enqueue(req: Omit<RunRequest, 'source'> & { sourceName: string }): Promise<string> {
    const em = this.deps.orm.em.fork();
    await this.recoverInterrupted(em);
    const runId = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    await this.insertRun(em, runId, { ...req, source: { name: req.sourceName } }, 'QUEUED', now);
    await this.announce(em, runId, req);
    return runId;
  }

  private async insertRun(em: EntityManager, runId: string, req: Pick<RunRequest, 'organizationId' | 'listId' | 'trigger' | 'mode' | 'actor'> & { source: { name: string } }, status: 'QUEUED' | 'RUNNING', now: Date): Promise<void> {
    try {
      await em.execute(
        `INSERT INTO sync_run (id, organization_id, list_id, source, trigger, mode, status, phase, started_by, created_at, started_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [runId, req.organizationId, req.listId, req.source.name, req.trigger, req.mode, status, status === 'QUEUED' ? 'QUEUED' : 'READING', req.actor.label, now, status === 'QUEUED' ? null : now, now],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'sync_run_one_active')) {
        throw errors.conflict('A sync of this list is already in progress; wait for it to finish or cancel it.', { listId: req.listId });
      }
      throw err;
    }
  }

  /**
   * Runs a source into a list: a new run, or (with `runId`) one `enqueue` recorded. A queued run
   * that was cancelled meanwhile is not started (null).
   */
  async run(req: RunRequest): Promise<RunOutcome>;
  async run(req: RunRequest, queuedRunId: string): Promise<RunOutcome | null>;
  async run(req: RunRequest, queuedRunId?: string): Promise<RunOutcome | null> {
    const em = this.deps.orm.em.fork();
    await this.recoverInterrupted(em);
    const now = this.deps.clock.now();
    let runId: string;
    if (queuedRunId) {
      const started = await em.execute(
        `UPDATE sync_run SET status = 'RUNNING', phase = 'READING', started_at = ?, heartbeat_at = ? WHERE id = ? AND status = 'QUEUED'`,
        [now, now, queuedRunId],
        'run',
      );
      if (((started as { affectedRows?: number }).affectedRows ?? 0) === 0) return null;
      runId = queuedRunId;
    } else {
      runId = this.deps.ids.uuid();
      await this.insertRun(em, runId, req, 'RUNNING', now);
    }
    const counts: RunCounts = { seen: 0, created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 };
    // The heartbeat says "still alive" through long phases and announces the counts so far, on
    // its own pooled connection.
    const beat = setInterval(() => {
      const conn = this.deps.orm.em.getConnection();
      void conn
        .execute(`UPDATE sync_run SET heartbeat_at = ?, counts = ?::jsonb WHERE id = ? AND status = 'RUNNING'`, [this.deps.clock.now(), JSON.stringify(counts), runId])
        .then(() => this.announce(conn, runId, req))
        .catch(() => undefined);
    }, HEARTBEAT_MS);
    beat.unref();
    this.current.set(runId, req);
    try {
      return await this.execute(em, runId, req, counts);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.deps.logger.error({ err, runId, listId: req.listId }, 'sync run failed');
      await this.finish(em, runId, 'FAILED', counts, reason, []);
      return { runId, status: 'FAILED', counts, reason, problems: [] };
    } finally {
      clearInterval(beat);
      this.current.delete(runId);
    }
  }

  private readonly current = new Map<string, RunRequest>();

  /** Tells subscribers (every process, through LISTEN/NOTIFY) that the run moved on. */
  private async announce(db: { execute: EntityManager['execute'] }, runId: string, req: Pick<RunRequest, 'organizationId' | 'listId'>): Promise<void> {
    await db.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify({ type: 'sync_run.progress', organizationId: req.organizationId, listId: req.listId, runId })]);
  }

  private async execute(em: EntityManager, runId: string, req: RunRequest, counts: RunCounts): Promise<RunOutcome> {
    const list = await em.findOneOrFail(MasterListSchema, { id: req.listId, organizationId: req.organizationId });
    const fields = await em.find(ListFieldSchema, { listId: list.id });
    const byKey = new Map<string, ListField>(fields.map((f) => [f.key, f]));
    const rules = await this.rules(em, list.id, req.source.name);
    if (rules.length === 0) throw new Error(`the list has no field mappings for ${req.source.name}; configure the mapping first`);
    const uidField = fields.find((f) => f.id === list.uidFieldId)!;
    const emailKey = rules.map((r) => byKey.get(r.fieldKey)).find((f) => f?.type === 'EMAIL')?.key ?? null;

    const desired: DesiredPerson[] = [];
    const problems: PlanProblem[] = [];
    let lastBeat = this.deps.clock.now().getTime();
    for await (const page of req.source.pages()) {
      for (const record of page) {
        const mapped = mapRecord(record, rules, byKey);
        if ('person' in mapped) desired.push(mapped.person);
        else problems.push(mapped.problem);
      }
      counts.seen += page.length;
      const t = this.deps.clock.now().getTime();
      if (t - lastBeat >= 1000) {
        lastBeat = t;
        await this.progress(em, runId, 'READING', counts);
      }
    }

    await this.progress(em, runId, 'PLANNING', counts);
    const current = await loadCurrent(em, list.id);
    const full = (req.source.effectiveMode?.() ?? (req.mode === 'DELTA' ? 'delta' : 'full')) === 'full';
    const note = req.source.note?.() ?? null;
    const plan = makePlan(current, desired, {
      source: req.source.name,
      uidKey: uidField.key,
      emailKey,
      ownedKeys: rules.map((r) => r.fieldKey),
      mode: full ? 'full' : 'delta',
      removedAnchors: full ? [] : (req.source.removedAnchors?.() ?? []),
      skippedAnchors: problems.map((x) => x.anchor),
      createInactive: req.createInactive ?? false,
    });
    plan.problems.unshift(...problems);
    const planned = planCounts(plan);
    Object.assign(counts, { ...planned, seen: counts.seen });

    if (req.mode === 'DRY_RUN') {
      const reason = note ? `dry run: nothing was written; ${note}` : 'dry run: nothing was written';
      await this.finish(em, runId, 'SUCCEEDED', counts, reason, plan.problems, plan);
      return { runId, status: 'SUCCEEDED', counts, reason, problems: plan.problems };
    }
    const active = current.filter((p) => p.status === 'ACTIVE').length;
    const verdict = checkSafety(plan, active, counts.seen, full ? 'full' : 'delta', req.threshold ?? { percent: list.deactivationLimitPercent ?? DEFAULT_THRESHOLD.percent, absolute: list.deactivationLimitCount ?? DEFAULT_THRESHOLD.absolute });
    if (verdict.halt) {
      await this.finish(em, runId, 'HALTED', counts, verdict.reason, plan.problems, plan);
      return { runId, status: 'HALTED', counts, reason: verdict.reason, problems: plan.problems };
    }

    await this.progress(em, runId, 'APPLYING', counts);
    const written = await applyPlan(em, { organizationId: req.organizationId, listId: list.id, source: req.source.name, actor: req.actor }, plan, this.deps.clock);
    Object.assign(counts, written);
    const extra = await req.source.committed?.();
    if (extra) Object.assign(counts, extra);
    await this.finish(em, runId, 'SUCCEEDED', counts, note, plan.problems);
    return { runId, status: 'SUCCEEDED', counts, reason: note, problems: plan.problems };
  }

  /**
   * Applies the plan a safety limit held back, as the administrator approved it. The held plan is
   * applied as planned; apply only changes people still in the state the plan expects, so people
   * reactivated or changed meanwhile are not clobbered by its status changes.
   */
  async approve(organizationId: string, runId: string, actor: Actor): Promise<RunOutcome> {
    const em = this.deps.orm.em.fork();
    await this.recoverInterrupted(em);
    let rows: Array<{ list_id: string; source: string; held_plan: Plan; counts: RunCounts }>;
    try {
      rows = await em.execute(
        `UPDATE sync_run SET status = 'RUNNING', phase = 'APPLYING', heartbeat_at = ?, reason = NULL
          WHERE id = ? AND organization_id = ? AND status = 'HALTED' AND held_plan IS NOT NULL
         RETURNING list_id, source, held_plan, counts`,
        [this.deps.clock.now(), runId, organizationId],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'sync_run_one_active')) throw errors.conflict('Another sync of this list is running; approve this one when it has finished.');
      throw err;
    }
    const row = rows[0];
    if (!row) throw errors.conflict('Only a halted run can be approved, once; this one is not halted (or does not exist).', { runId });
    const req = { organizationId, listId: row.list_id };
    this.current.set(runId, { ...req, source: { name: row.source, pages: async function* () {} }, trigger: 'MANUAL', mode: 'FULL', actor });
    const counts = row.counts;
    try {
      const written = await applyPlan(em, { ...req, source: row.source, actor }, row.held_plan, this.deps.clock);
      Object.assign(counts, written);
      await this.finish(em, runId, 'SUCCEEDED', counts, `approved by ${actor.label}`, row.held_plan.problems, row.held_plan);
      return { runId, status: 'SUCCEEDED', counts, reason: `approved by ${actor.label}`, problems: row.held_plan.problems };
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.finish(em, runId, 'FAILED', counts, reason, row.held_plan.problems, row.held_plan);
      return { runId, status: 'FAILED', counts, reason, problems: row.held_plan.problems };
    } finally {
      this.current.delete(runId);
    }
  }

  /** Cancels a halted run (its plan is discarded) or a queued one (it never starts): nothing is written. */
  async cancel(organizationId: string, runId: string, actor: Actor): Promise<void> {
    const em = this.deps.orm.em.fork();
    const rows = await em.execute<Array<{ list_id: string }>>(
      `UPDATE sync_run SET status = 'CANCELLED', phase = 'DONE', reason = ?, finished_at = ?, held_plan = NULL
        WHERE id = ? AND organization_id = ? AND status IN ('HALTED', 'QUEUED') RETURNING list_id`,
      [`cancelled by ${actor.label}`, this.deps.clock.now(), runId, organizationId],
    );
    if (!rows[0]) throw errors.conflict('Only a halted or queued run can be cancelled; this one is running or finished (or does not exist).', { runId });
    await this.announce(em, runId, { organizationId, listId: rows[0].list_id });
  }

  /**
   * Marks runs whose process stopped (stale heartbeat) as failed, so the list can sync again. A
   * queued run waits for a worker, so it counts as lost only after QUEUED_STALE_AFTER_MS.
   */
  async recoverInterrupted(em: EntityManager = this.deps.orm.em.fork()): Promise<number> {
    const now = this.deps.clock.now().getTime();
    const res = await em.execute(
      `UPDATE sync_run SET status = 'FAILED', phase = 'DONE', finished_at = ?,
              reason = CASE status WHEN 'RUNNING' THEN 'interrupted: the process running it stopped' ELSE 'no worker took the queued run' END
        WHERE (status = 'RUNNING' AND heartbeat_at < ?) OR (status = 'QUEUED' AND heartbeat_at < ?)`,
      [this.deps.clock.now(), new Date(now - (this.deps.staleAfterMs ?? STALE_AFTER_MS)), new Date(now - QUEUED_STALE_AFTER_MS)],
      'run',
    );
    return (res as { affectedRows?: number }).affectedRows ?? 0;
  }

  /** The list's mappings for the source; a photo mapping is synced separately (by content, not by value). */
  private async rules(em: EntityManager, listId: string, provider: string): Promise<FieldMappingRule[]> {
    const rows = await em.execute<Array<{ source_attribute: string; key: string; transform: Transform }>>(
      `SELECT m.source_attribute, f.key, m.transform FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = ? AND m.source_attribute <> 'photo' ORDER BY f.position`,
      [listId, provider],
    );
    return rows.map((r) => ({ sourceAttribute: r.source_attribute, fieldKey: r.key, transform: r.transform }));
  }

  private async progress(em: EntityManager, runId: string, phase: string, counts: RunCounts): Promise<void> {
    await em.execute(`UPDATE sync_run SET phase = ?, counts = ?::jsonb, heartbeat_at = ? WHERE id = ?`, [phase, JSON.stringify(counts), this.deps.clock.now(), runId]);
    const req = this.current.get(runId);
    if (req) await this.announce(em, runId, req);
  }

  private async finish(em: EntityManager, runId: string, status: RunStatus, counts: RunCounts, reason: string | null, problems: PlanProblem[], held?: Plan): Promise<void> {
    await em.execute(
      `UPDATE sync_run SET status = ?, phase = 'DONE', counts = ?::jsonb, errors = ?::jsonb, reason = ?, held_plan = ?::jsonb, finished_at = ?, heartbeat_at = ? WHERE id = ?`,
      [status, JSON.stringify(counts), JSON.stringify(problems.slice(0, KEEP_ERRORS)), reason, held ? JSON.stringify(held) : null, this.deps.clock.now(), this.deps.clock.now(), runId],
    );
    const req = this.current.get(runId);
    if (req) await this.announce(em, runId, req);
  }
}

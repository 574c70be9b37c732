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
}

export interface RunCounts {
  seen: number;
  created: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  unchanged: number;
  errors: number;
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
const KEEP_ERRORS = 200;

/**
 * Runs a source into a list: records the run, reads pages, maps, plans, checks safety, applies
 * (or, for a dry run or a halt, keeps the plan instead). One run per list at a time across every
 * process (a partial unique index); a run left RUNNING by a crashed process is marked FAILED when
 * its heartbeat goes stale, and the next run converges because planning compares states.
 */
export class SyncRunner {
  constructor(private readonly deps: { orm: MikroORM; clock: Clock; ids: IdGenerator; logger: Logger }) {}

  async run(req: RunRequest): Promise<RunOutcome> {
    const em = this.deps.orm.em.fork();
    await this.recoverInterrupted(em);
    const runId = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    try {
      await em.execute(
        `INSERT INTO sync_run (id, organization_id, list_id, source, trigger, mode, status, phase, started_by, created_at, started_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', 'READING', ?, ?, ?, ?)`,
        [runId, req.organizationId, req.listId, req.source.name, req.trigger, req.mode, req.actor.label, now, now, now],
      );
    } catch (err) {
      if (isUniqueViolation(err, 'sync_run_one_active')) {
        throw errors.conflict('A sync of this list is already in progress; wait for it to finish or cancel it.', { listId: req.listId });
      }
      throw err;
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
    const full = req.mode !== 'DELTA';
    const plan = makePlan(current, desired, {
      source: req.source.name,
      uidKey: uidField.key,
      emailKey,
      ownedKeys: rules.map((r) => r.fieldKey),
      mode: full ? 'full' : 'delta',
      removedAnchors: full ? [] : (req.source.removedAnchors?.() ?? []),
      skippedAnchors: problems.map((x) => x.anchor),
    });
    plan.problems.unshift(...problems);
    const planned = planCounts(plan);
    Object.assign(counts, { ...planned, seen: counts.seen });

    if (req.mode === 'DRY_RUN') {
      await this.finish(em, runId, 'SUCCEEDED', counts, 'dry run: nothing was written', plan.problems, plan);
      return { runId, status: 'SUCCEEDED', counts, reason: 'dry run: nothing was written', problems: plan.problems };
    }
    const active = current.filter((p) => p.status === 'ACTIVE').length;
    const verdict = checkSafety(plan, active, counts.seen, full ? 'full' : 'delta', req.threshold ?? DEFAULT_THRESHOLD);
    if (verdict.halt) {
      await this.finish(em, runId, 'HALTED', counts, verdict.reason, plan.problems, plan);
      return { runId, status: 'HALTED', counts, reason: verdict.reason, problems: plan.problems };
    }

    await this.progress(em, runId, 'APPLYING', counts);
    const written = await applyPlan(em, { organizationId: req.organizationId, listId: list.id, source: req.source.name, actor: req.actor }, plan, this.deps.clock);
    Object.assign(counts, written);
    await this.finish(em, runId, 'SUCCEEDED', counts, null, plan.problems);
    return { runId, status: 'SUCCEEDED', counts, reason: null, problems: plan.problems };
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

  /** Cancels a halted run: its plan is discarded and nothing is written. */
  async cancel(organizationId: string, runId: string, actor: Actor): Promise<void> {
    const em = this.deps.orm.em.fork();
    const res = await em.execute(
      `UPDATE sync_run SET status = 'CANCELLED', phase = 'DONE', reason = ?, finished_at = ?
        WHERE id = ? AND organization_id = ? AND status = 'HALTED'`,
      [`cancelled by ${actor.label}`, this.deps.clock.now(), runId, organizationId],
      'run',
    );
    if (((res as { affectedRows?: number }).affectedRows ?? 0) === 0) throw errors.conflict('Only a halted run can be cancelled; this one is not halted (or does not exist).', { runId });
  }

  /** Marks runs whose process stopped (stale heartbeat) as failed, so the list can sync again. */
  async recoverInterrupted(em: EntityManager = this.deps.orm.em.fork()): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - STALE_AFTER_MS);
    const res = await em.execute(
      `UPDATE sync_run SET status = 'FAILED', phase = 'DONE', reason = 'interrupted: the process running it stopped', finished_at = ?
        WHERE status IN ('QUEUED', 'RUNNING') AND heartbeat_at < ?`,
      [this.deps.clock.now(), cutoff],
      'run',
    );
    return (res as { affectedRows?: number }).affectedRows ?? 0;
  }

  private async rules(em: EntityManager, listId: string, provider: string): Promise<FieldMappingRule[]> {
    const rows = await em.execute<Array<{ source_attribute: string; key: string; transform: Transform }>>(
      `SELECT m.source_attribute, f.key, m.transform FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = ? ORDER BY f.position`,
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

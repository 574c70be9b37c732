import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { errors, isUniqueViolation } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { ListFieldSchema, MasterListSchema, type ListField } from '../../lists/list.entities.js';
import { mapRecord, type FieldMappingRule } from './mapping.js';
import { emptyPlan, planCounts, Planner } from './plan.js';
import { checkReview, checkSafety, DEFAULT_THRESHOLD, describeRejected, splitForReview, withoutRejected, type DeactivationThreshold, type HeldPlanRejections } from './safety.js';
import { RawSql, type RawTransaction, type SqlDb } from '../../db/raw-sql.js';
import { activeSourcePeople, applyPlan, emailIndex, loadCandidates, mappingRules, peopleByAnchor, peopleCounts, refreshStatistics, tidySearchIndex, type ApplyContext, type ApplyResult } from './apply.js';
import type { CurrentPerson, DesiredPerson, Plan, PlanProblem, SourceRecord } from './types.js';
import { CHANNEL, type SyncRunFinishedEvent } from '../../events/event-bus.js';
import { isDatabaseUnavailable } from '../../shared/db-unavailable.js';

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
  /** The mapping to use instead of the list's stored one for this source (a CSV import's, already checked). */
  mapping?: readonly FieldMappingRule[];
  /** A hand-fed source (CSV): see `PlanOptions.handFed`. */
  handFed?: boolean;
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
  /**
   * Called when the run fails, before the failure is recorded: may arrange what happens next (a
   * retry) and return a sentence the run's reason ends with, so anyone who sees FAILED sees it too.
   */
  onFailure?: () => Promise<string | null>;
  /**
   * An administrator reviewed this plan before starting the run (a CSV import after its preview),
   * so the list's "review directory changes before applying" setting does not hold it again.
   */
  reviewed?: boolean;
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

/** A plan kept for approval; `applied`: what the review setting applied at once when it was held. */
type HeldPlan = Plan & { applied?: ApplyResult };

/** Heartbeat and progress announcements while a run works: at least once a second. */
const HEARTBEAT_MS = 1_000;
/** A running run whose heartbeat is older than this belonged to a process that stopped. */
export const STALE_AFTER_MS = 30_000;
/** A queued run no worker has taken after this long is given up (workers poll every second or so). */
export const QUEUED_STALE_AFTER_MS = 15 * 60_000;
const KEEP_ERRORS = 200;
/** Changes handed to the writer at once (its transactions are this size too). */
const WRITE_BATCH = 5000;
/** A staged (delta) run hands smaller batches, so writing overlaps reading sooner. */
const STAGED_BATCH = 1000;

/**
 * Runs a source into a list: records the run, reads pages, maps, plans, checks safety, applies
 * (or, for a dry run or a halt, keeps the plan instead). One run per list at a time across every
 * process (a partial unique index); a run left RUNNING by a crashed process is marked FAILED when
 * its heartbeat goes stale, and the next run converges because planning compares states.
 */
/** Told when a run reaches a final status (Prometheus metrics); must not throw. */
export interface RunObserver {
  runFinished(source: string, outcome: RunStatus, seconds: number): void;
}

// A run's duration as SQL: from its start (or its queueing, if it never started) to its end.
const RUN_SECONDS = `extract(epoch FROM (finished_at - coalesce(started_at, created_at)))::float8`;

export class SyncRunner {
  private readonly sql: RawSql;

  constructor(private readonly deps: { orm: MikroORM; clock: Clock; ids: IdGenerator; logger: Logger; /** Default STALE_AFTER_MS. */ staleAfterMs?: number; /** Told of every run that ends (metrics). */ observer?: RunObserver }) {
    this.sql = new RawSql(deps.orm);
  }

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
    this.deps.logger.info({ runId, listId: req.listId, source: req.source.name, mode: req.mode, trigger: req.trigger }, 'sync run started');
    // A plan held for review is out of date once a newer run reads the source again.
    const superseded = await em.execute<Array<{ id: string }>>(
      `UPDATE sync_run SET status = 'CANCELLED', phase = 'DONE', held_plan = NULL, finished_at = coalesce(finished_at, ?),
              reason = 'superseded: a newer run of this list started, so this held plan is out of date'
        WHERE list_id = ? AND status = 'HALTED' AND id <> ? RETURNING id`,
      [now, req.listId, runId],
    );
    for (const old of superseded) await this.announce(em, old.id, req);
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
      const cause = err instanceof Error ? err.message : String(err);
      this.deps.logger.error({ err, runId, listId: req.listId }, 'sync run failed');
      const next = await req.onFailure?.().catch((e: unknown) => {
        this.deps.logger.error({ err: e, runId }, 'could not arrange what follows a failed sync run');
        return null;
      });
      const what = isDatabaseUnavailable(err)
        ? `PostgreSQL became unreachable during the run (${cause}); each batch is written whole or not at all, so the next run completes the list`
        : cause;
      const reason = next ? `${what} (${next})` : what;
      await this.finishOnceReachable(em, runId, counts, reason);
      return { runId, status: 'FAILED', counts, reason, problems: [] };
    } finally {
      clearInterval(beat);
      this.current.delete(runId);
    }
  }

  private readonly current = new Map<string, RunRequest>();

  /**
   * Records a failed run. When the failure was the database going away, recording it fails too:
   * this waits for PostgreSQL to come back (up to two minutes, doubling from one second) so the
   * run says why it failed, rather than staying RUNNING until the stale-run rule gives a vaguer reason.
   */
  private async finishOnceReachable(em: EntityManager, runId: string, counts: RunCounts, reason: string): Promise<void> {
    for (let wait = 1000, waited = 0; ; waited += wait, wait = Math.min(wait * 2, 16_000)) {
      try {
        return await this.finish(em, runId, 'FAILED', counts, reason, []);
      } catch (err) {
        if (!isDatabaseUnavailable(err) || waited >= 120_000) throw err;
        this.deps.logger.warn({ runId, retryInMs: wait }, 'database unavailable: the failed sync run will be recorded when it is back');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Tells subscribers (every process, through LISTEN/NOTIFY) that the run moved on. */
  private async announce(db: { execute: EntityManager['execute'] }, runId: string, req: Pick<RunRequest, 'organizationId' | 'listId'>): Promise<void> {
    await db.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify({ type: 'sync_run.progress', organizationId: req.organizationId, listId: req.listId, runId })]);
  }

  /** A run reached a final status: alerts and anything else that waits for a run's end hear it. */
  private async announceFinished(em: EntityManager, e: Omit<SyncRunFinishedEvent, 'type'>): Promise<void> {
    await em.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify({ type: 'sync_run.finished', ...e } satisfies SyncRunFinishedEvent)]);
  }

  private async execute(em: EntityManager, runId: string, req: RunRequest, counts: RunCounts): Promise<RunOutcome> {
    // The source's first page is asked for now: its request (a token and a Graph round trip, the
    // longest wait of a small delta run) overlaps the reading of the list and its counts below.
    const read = readAhead(req.source.pages());
    try {
      return await this.reconcile(em, runId, req, counts, read.pages);
    } finally {
      // Ends a read the run gave up before consuming it (its setup failed), without waiting.
      void read.close();
    }
  }

  private async reconcile(em: EntityManager, runId: string, req: RunRequest, counts: RunCounts, pages: AsyncIterable<SourceRecord[]>): Promise<RunOutcome> {
    // Read at once, on connections of their own (the list's size is the base of safety limits).
    const [list, fields, rules, start] = await Promise.all([
      em.findOneOrFail(MasterListSchema, { id: req.listId, organizationId: req.organizationId }),
      em.find(ListFieldSchema, { listId: req.listId }),
      req.source.mapping ? [...req.source.mapping] : this.rules(em, req.listId, req.source.name),
      peopleCounts(em, req.listId),
    ]);
    const byKey = new Map<string, ListField>(fields.map((f) => [f.key, f]));
    if (rules.length === 0) throw new Error(`the list has no field mappings for ${req.source.name}; configure the mapping first`);
    const uidField = fields.find((f) => f.id === list.uidFieldId)!;
    const emailKey = rules.map((r) => byKey.get(r.fieldKey)).find((f) => f?.type === 'EMAIL')?.key ?? null;
    const ctx: ApplyContext = { organizationId: req.organizationId, listId: list.id, source: req.source.name, actor: req.actor };
    const limit = req.threshold ?? { percent: list.deactivationLimitPercent ?? DEFAULT_THRESHOLD.percent, absolute: list.deactivationLimitCount ?? DEFAULT_THRESHOLD.absolute };
    const planner = new Planner({ source: req.source.name, uidKey: uidField.key, emailKey, ownedKeys: rules.map((r) => r.fieldKey), createInactive: req.createInactive ?? false, handFed: req.source.handFed ?? false });
    const lookup = new CandidateLookup(em, this.sql.db, list.id, req.source.name, uidField.key, emailKey, start.people > 0);

    // What is planned and not yet written; what was handed to the writer already.
    let pending = emptyPlan();
    const problems: PlanProblem[] = [];
    const handed = { created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 0 };
    const written: ApplyResult = { created: 0, updated: 0, deactivated: 0, reactivated: 0 };
    const planned = () => {
      const p = planCounts(pending);
      return { created: handed.created + p.created, updated: handed.updated + p.updated, deactivated: handed.deactivated + p.deactivated, reactivated: handed.reactivated + p.reactivated, unchanged: p.unchanged, errors: p.errors + problems.length };
    };
    // Writing starts before the read ends only when no outcome of the run could trip the safety
    // limit: every active person not matched yet deactivated, on top of the deactivations planned
    // so far, would still be within it. A first backfill (no active people) writes as it reads,
    // so a million people stream through; a list that might lose people waits for the whole plan.
    const review = { review: !req.reviewed && (list.reviewSyncChanges ?? false), autoApprove: list.autoApprove ?? [] };
    const mayWrite = () =>
      req.mode !== 'DRY_RUN' && !review.review && !checkSafety({ deactivations: { length: planned().deactivated + Math.max(0, start.active - planner.matchedActive) } }, start.active, counts.seen, 'delta', limit).halt;
    // A delta run cannot know before its last page whether it will halt, so it writes as it reads
    // inside one open transaction ("staged"), keeping what it handed over: committed when the run
    // succeeds, rolled back (and the whole plan held for review) when it halts.
    let staged: { tx: RawTransaction; handed: Plan } | null = null;
    // A run that writes as it reads (a first backfill) does so inside one open transaction too, so
    // a run that fails half-way leaves the list as it was; unlike a staged run it keeps nothing of
    // what it handed over (it cannot halt), so memory stays bounded however many people stream.
    let streaming: RawTransaction | null = null;
    let writing: Promise<void> = Promise.resolve();
    // Batches handed to the writer and not yet written.
    let queued = 0;
    // A staged run keeps its writer busy: a writer with nothing to do gets what has been read so
    // far (the first page at once), a busy one a batch of STAGED_BATCH when it is ready.
    const writerIdle = () => staged !== null && queued === 0;
    const hand = async (force: boolean) => {
      const size = pending.creates.length + pending.updates.length + pending.deactivations.length + pending.reactivations.length;
      if (size === 0 || (!force && size < (staged ? STAGED_BATCH : WRITE_BATCH))) return;
      // One batch in the writer at a time; reading and planning go on meanwhile. A streaming
      // full read waits for the writer before handing more (memory stays bounded); a staged run
      // queues its batches behind one another (they are as many as the changes it reads).
      if (!staged) await writing;
      const batch = pending;
      const p = planCounts(batch);
      for (const k of ['created', 'updated', 'deactivated', 'reactivated'] as const) handed[k] += p[k];
      pending = { ...emptyPlan(), unchanged: batch.unchanged, problems: batch.problems };
      if (staged) for (const k of ['creates', 'updates', 'deactivations', 'reactivations'] as const) (staged.handed[k] as unknown[]).push(...batch[k]);
      streaming ??= staged ? null : await this.sql.begin();
      const target = (staged?.tx ?? streaming)!.db;
      // Inside the run's own transaction a failed batch fails the run whole: no savepoint per batch.
      queued++;
      writing = writing.then(() => applyPlan(target, ctx, batch, this.deps.clock, WRITE_BATCH, { joinTransaction: true })).then((r) => {
        for (const k of ['created', 'updated', 'deactivated', 'reactivated'] as const) written[k] += r[k];
      }).finally(() => queued--);
      writing.catch(() => undefined);
    };

    // A source may turn a delta run into a full read (before its first page).
    const effectiveMode = () => req.source.effectiveMode?.() ?? (req.mode === 'DELTA' ? 'delta' : 'full');
    if (effectiveMode() === 'delta') lookup.prefetchEmails();
    // Ends the run's open transaction, once the writer's batch under way (if any) has settled.
    const rollback = async () => {
      await writing.catch(() => undefined);
      const tx = staged?.tx ?? streaming;
      staged = null;
      streaming = null;
      if (!tx) return;
      await tx.rollback().catch((err: unknown) => this.deps.logger.warn({ err, runId }, 'could not roll back a sync'));
    };
    let lastBeat = this.deps.clock.now().getTime();
    let early = false;
    // A staged run plans a writer's batch of records at a time (delta pages are small), so it
    // looks people up once per batch rather than once per page while the next pages arrive.
    let buffered: DesiredPerson[] = [];
    const planBuffered = async () => {
      if (buffered.length === 0) return;
      const batch = buffered;
      buffered = [];
      planner.addPage(await lookup.candidates(batch, planner), batch, pending);
    };
    try {
      for await (const page of pages) {
        const desired: DesiredPerson[] = [];
        for (const record of page) {
          const mapped = mapRecord(record, rules, byKey);
          if ('person' in mapped) desired.push(mapped.person);
          else problems.push(mapped.problem);
        }
        counts.seen += page.length;
        if (staged) {
          buffered.push(...desired);
          if (buffered.length >= STAGED_BATCH || writerIdle()) await planBuffered();
        } else {
          planner.addPage(await lookup.candidates(desired, planner), desired, pending);
          early ||= mayWrite();
          if (!early && req.mode !== 'DRY_RUN' && effectiveMode() === 'delta') {
            staged = { tx: await this.sql.begin(), handed: emptyPlan() };
          }
        }
        if (early || staged) await hand(writerIdle());
        Object.assign(counts, planned(), early ? written : {});
        const t = this.deps.clock.now().getTime();
        if (t - lastBeat >= 1000) {
          lastBeat = t;
          await this.progress(em, runId, 'READING', counts);
        }
      }
      await planBuffered();
      // The writer drains while the removals are planned below; what it failed on is met where
      // the run waits for it (applying, or holding).
    } catch (err) {
      await rollback();
      throw err;
    }

    const full = effectiveMode() === 'full';
    const note = req.source.note?.() ?? null;
    const skipped = problems.map((x) => x.anchor);
    try {
      // A delta asked for and read in full (first run, expired link): the history says so.
      if (full && req.mode === 'DELTA') await em.execute(`UPDATE sync_run SET read_in_full = true WHERE id = ?`, [runId]);
      await this.progress(em, runId, 'PLANNING', counts);
      if (!full) {
        const removed = req.source.removedAnchors?.() ?? [];
        pending.deactivations.push(...planner.removals(await peopleByAnchor(em, list.id, req.source.name, removed), removed, skipped));
      } else if (start.active > 0) {
        // (A list with no active people when the run began holds none this run did not see.)
        for await (const people of activeSourcePeople(em, list.id, req.source.name, undefined, req.source.handFed)) pending.deactivations.push(...planner.removals(people, null, skipped));
      }
    } catch (err) {
      await rollback();
      throw err;
    }
    Object.assign(counts, planned(), { seen: counts.seen });
    const all = [...problems, ...pending.problems];
    pending.problems = all;
    problems.length = 0;

    if (req.mode === 'DRY_RUN') {
      const reason = note ? `dry run: nothing was written; ${note}` : 'dry run: nothing was written';
      await this.finish(em, runId, 'SUCCEEDED', counts, reason, all, pending);
      return { runId, status: 'SUCCEEDED', counts, reason, problems: all };
    }
    const safety = checkSafety({ deactivations: { length: counts.deactivated } }, start.active, counts.seen, full ? 'full' : 'delta', limit);
    const reviewed = safety.halt ? null : checkReview(counts, review);
    const verdict = reviewed ?? safety;
    if (verdict.halt) {
      // Unreachable after early writes (they start only when no outcome can halt); what a staged
      // run wrote is rolled back, so the held plan is the whole plan and nothing was written.
      let held = pending;
      if (staged) {
        const { handed: before } = staged;
        await rollback();
        held = { ...pending, creates: [...before.creates, ...pending.creates], updates: [...before.updates, ...pending.updates], deactivations: [...before.deactivations, ...pending.deactivations], reactivations: [...before.reactivations, ...pending.reactivations] };
      }
      // The review setting holds only the kinds it does not auto-approve: the others are applied
      // now, in one transaction (the writer's batches nest in it; a failure fails the run with
      // nothing written), and the held plan remembers them so that its approval reports the whole
      // run. A halted run's counts are what it holds; the source's `committed` is not called, so
      // the next delta reads the applied changes again (and finds them unchanged).
      let applied: ApplyResult | undefined;
      if (reviewed?.halt && reviewed.applied.length > 0) {
        const split = splitForReview(held, reviewed.held);
        held = split.held;
        await this.progress(em, runId, 'APPLYING', counts);
        applied = await em.transactional((tx) => applyPlan(tx, ctx, split.now, this.deps.clock, WRITE_BATCH));
        const h = planCounts(held);
        Object.assign(counts, { created: h.created, updated: h.updated, deactivated: h.deactivated, reactivated: h.reactivated });
      }
      await this.finish(em, runId, 'HALTED', counts, verdict.reason, all, applied ? { ...held, applied } : held);
      if (applied) await this.tidy(em, { ...counts, ...applied }, start.people);
      return { runId, status: 'HALTED', counts, reason: verdict.reason, problems: all };
    }

    await this.progress(em, runId, 'APPLYING', counts);
    try {
      await hand(true);
      await writing;
      const tx = staged?.tx ?? streaming;
      staged = null;
      streaming = null;
      if (tx) await tx.commit();
    } catch (err) {
      await rollback();
      throw err;
    }
    Object.assign(counts, written);
    const extra = await req.source.committed?.();
    if (extra) Object.assign(counts, extra);
    await this.finish(em, runId, 'SUCCEEDED', counts, note, all);
    await this.tidy(em, counts, start.people);
    return { runId, status: 'SUCCEEDED', counts, reason: note, problems: all };
  }

  /**
   * Applies the plan a safety limit held back, as the administrator approved it. The held plan is
   * applied as planned; apply only changes people still in the state the plan expects, so people
   * reactivated or changed meanwhile are not clobbered by its status changes.
   */
  async approve(organizationId: string, runId: string, actor: Actor, rejections: HeldPlanRejections = {}): Promise<RunOutcome> {
    const em = this.deps.orm.em.fork();
    await this.recoverInterrupted(em);
    let rows: Array<{ list_id: string; source: string; held_plan: HeldPlan; counts: RunCounts }>;
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
    await this.announce(em, runId, req);
    this.current.set(runId, { ...req, source: { name: row.source, pages: async function* () {} }, trigger: 'MANUAL', mode: 'FULL', actor });
    const counts = row.counts;
    // The plan kept afterwards is what was approved (its preview then shows what was written).
    const { approved, rejected } = withoutRejected(row.held_plan, rejections);
    const held: HeldPlan = { ...approved, applied: row.held_plan.applied };
    const said = describeRejected(rejected);
    const note = `approved by ${actor.label}${said ? `; ${said}, left as they are` : ''}`;
    try {
      const written = await applyPlan(em, { ...req, source: row.source, actor }, approved, this.deps.clock);
      Object.assign(counts, written);
      // What the review setting applied when the run was held (auto-approved kinds) counts too.
      for (const [k, v] of Object.entries(row.held_plan.applied ?? {})) counts[k as keyof ApplyResult] += v;
      await this.finish(em, runId, 'SUCCEEDED', counts, note, row.held_plan.problems, held);
      await this.tidy(em, counts);
      return { runId, status: 'SUCCEEDED', counts, reason: note, problems: row.held_plan.problems };
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
    const rows = await em.execute<Array<{ id: string; organization_id: string; list_id: string; source: string; seconds: number | string }>>(
      `UPDATE sync_run SET status = 'FAILED', phase = 'DONE', finished_at = ?,
              reason = CASE status WHEN 'RUNNING' THEN 'interrupted: the process running it stopped' ELSE 'no worker took the queued run' END
        WHERE (status = 'RUNNING' AND heartbeat_at < ?) OR (status = 'QUEUED' AND heartbeat_at < ?)
        RETURNING id, organization_id, list_id, source, ${RUN_SECONDS} AS seconds`,
      [this.deps.clock.now(), new Date(now - (this.deps.staleAfterMs ?? STALE_AFTER_MS)), new Date(now - QUEUED_STALE_AFTER_MS)],
    );
    // Whoever follows such a run (syncRunProgress, alerts, on any process) learns that it ended.
    for (const r of rows) {
      this.deps.logger.warn({ runId: r.id, listId: r.list_id }, 'sync run marked failed: its process stopped');
      this.deps.observer?.runFinished(r.source, 'FAILED', Number(r.seconds));
      await this.announce(em, r.id, { organizationId: r.organization_id, listId: r.list_id });
      await this.announceFinished(em, { organizationId: r.organization_id, listId: r.list_id, runId: r.id, status: 'FAILED' });
    }
    return rows.length;
  }

  private rules(em: EntityManager, listId: string, provider: string): Promise<FieldMappingRule[]> {
    return mappingRules(em, listId, provider);
  }

  /**
   * After a run that wrote people (and is already final): merges the search index's pending list,
   * and refreshes the planner's statistics when the run added or moved many people
   * (`refreshStatistics`; `peopleBefore`: the list's size when the run began, 0 when unknown).
   */
  private async tidy(em: EntityManager, counts: RunCounts, peopleBefore = 0): Promise<void> {
    if (counts.created + counts.updated + counts.deactivated + counts.reactivated === 0) return;
    await tidySearchIndex(em).catch((err: unknown) => this.deps.logger.warn({ err }, 'could not merge the search index pending list'));
    await refreshStatistics(em, counts.created + counts.deactivated + counts.reactivated, peopleBefore).catch((err: unknown) =>
      this.deps.logger.warn({ err }, 'could not refresh the statistics on people'),
    );
  }

  private async progress(em: EntityManager, runId: string, phase: string, counts: RunCounts): Promise<void> {
    await em.execute(`UPDATE sync_run SET phase = ?, counts = ?::jsonb, heartbeat_at = ? WHERE id = ?`, [phase, JSON.stringify(counts), this.deps.clock.now(), runId]);
    const req = this.current.get(runId);
    if (req) await this.announce(em, runId, req);
  }

  private async finish(em: EntityManager, runId: string, status: RunStatus, counts: RunCounts, reason: string | null, problems: PlanProblem[], held?: HeldPlan): Promise<void> {
    const [ended] = await em.execute<Array<{ source: string; seconds: number | string; organization_id: string; list_id: string }>>(
      `UPDATE sync_run SET status = ?, phase = 'DONE', counts = ?::jsonb, errors = ?::jsonb, reason = ?, held_plan = ?::jsonb, finished_at = ?, heartbeat_at = ? WHERE id = ?
        RETURNING source, organization_id, list_id, ${RUN_SECONDS} AS seconds`,
      [status, JSON.stringify(counts), JSON.stringify(problems.slice(0, KEEP_ERRORS)), reason, held ? JSON.stringify(held) : null, this.deps.clock.now(), this.deps.clock.now(), runId],
    );
    if (ended) {
      this.deps.observer?.runFinished(ended.source, status, Number(ended.seconds));
      await this.announceFinished(em, { organizationId: ended.organization_id, listId: ended.list_id, runId, status });
    }
    this.deps.logger.info({ runId, status, counts, reason }, 'sync run finished');
    const req = this.current.get(runId);
    if (req) await this.announce(em, runId, req);
  }
}

/**
 * The pages of a source, read one ahead: the first is asked for at once, and the next as soon as
 * one arrives, so the next Graph request is under way while this page is looked up, planned and
 * written. `close` ends a read the run stopped consuming (a failure before or during it).
 */
function readAhead<T>(source: AsyncIterable<T>): { pages: AsyncIterable<T>; close: () => Promise<void> } {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  // Awaited below; this only keeps a failure during the wait from counting as unhandled.
  next.catch(() => undefined);
  let done = false;
  // Once the request under way has settled, the source is told to stop (a no-op after its end).
  const close = async () => {
    if (done) return;
    done = true;
    await next.then(() => it.return?.(), () => undefined).catch(() => undefined);
  };
  async function* pages(): AsyncIterable<T> {
    try {
      for (;;) {
        const r = await next;
        if (r.done) {
          done = true;
          return;
        }
        next = it.next();
        next.catch(() => undefined);
        yield r.value;
      }
    } finally {
      await close();
    }
  }
  return { pages: pages(), close };
}

/**
 * Finds the people a page of records can match, through indexes rather than by loading the list:
 * this source's people by anchor and the holders of the records' UIDs in one query, then by email
 * (a map read once per run, only if a record needs it). A list that was empty when the run began
 * holds only people this run created, which no record may match, so nothing is looked up.
 */
class CandidateLookup {
  private emails: Promise<Map<string, string>> | null = null;

  constructor(
    private readonly em: EntityManager,
    /** Candidate lookups as prepared statements with array parameters (RawSql), not inlined texts of ~50 KB. */
    private readonly db: SqlDb,
    private readonly listId: string,
    private readonly source: string,
    private readonly uidKey: string,
    private readonly emailKey: string | null,
    private readonly listHadPeople: boolean,
  ) {}

  /**
   * Starts reading the email map now, on a connection of its own, so it is ready when a record
   * needs it: a delta run's joiners usually do, and the read overlaps the first Graph request.
   */
  prefetchEmails(): void {
    if (this.listHadPeople && this.emailKey) this.emailMap().catch(() => undefined);
  }

  private emailMap(): Promise<Map<string, string>> {
    this.emails ??= emailIndex(this.em.fork(), this.listId, this.source, this.emailKey!);
    return this.emails;
  }

  async candidates(desired: readonly DesiredPerson[], planner: Planner): Promise<CurrentPerson[]> {
    if (!this.listHadPeople || desired.length === 0) return [];
    const { db, listId, source } = this;
    const free = (p: CurrentPerson | undefined) => (p && !planner.isMatched(p) ? p : undefined);
    const uidOf = (d: DesiredPerson) => {
      const v = d.values[this.uidKey];
      return v === null || v === undefined || v === '' ? null : String(v);
    };
    const found = new Map<string, CurrentPerson>();
    // One round trip: this source's people by anchor, and the holders of the records' UIDs (the
    // UID's holder matters even when the anchor matches: a UID may have moved to another person).
    const uids = new Set<string>();
    for (const d of desired) {
      const uid = uidOf(d);
      if (uid) uids.add(uid);
    }
    const byAnchor = new Map<string, CurrentPerson>();
    const byUid = new Map<string, CurrentPerson>();
    for (const p of await loadCandidates(db, listId, source, { anchors: desired.map((d) => d.anchor), uids, ids: [] })) {
      if (p.source === source && p.sourceAnchor !== null) byAnchor.set(p.sourceAnchor, p);
      if (uids.has(p.uid)) byUid.set(p.uid, p);
      found.set(p.id, p);
    }
    if (this.emailKey) {
      const wanted: string[] = [];
      for (const d of desired) {
        const uid = uidOf(d);
        if (free(byAnchor.get(d.anchor)) || (uid && free(byUid.get(uid)))) continue;
        const email = d.values[this.emailKey];
        if (typeof email === 'string' && email.trim()) wanted.push(email.trim().toLowerCase());
      }
      if (wanted.length > 0) {
        const emails = await this.emailMap();
        const ids = new Set<string>();
        for (const e of wanted) {
          const id = emails.get(e);
          if (id && !found.has(id)) ids.add(id);
        }
        if (ids.size > 0) for (const p of await loadCandidates(db, listId, source, { anchors: [], uids: [], ids })) found.set(p.id, p);
      }
    }
    return [...found.values()];
  }
}

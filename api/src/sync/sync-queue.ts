import PgBoss from 'pg-boss';
import type { Logger } from '../shared/logger.js';
import { isDatabaseUnavailable } from '../shared/db-unavailable.js';
import { withStartupLock } from '../db/startup-lock.js';

const RUN_QUEUE = 'sync-run';
const RETRY_QUEUE = 'sync-retry';

export interface RetryJob {
  organizationId: string;
  listId: string;
  /** 1 for the first retry. */
  attempt: number;
}

/**
 * The durable job queue sync runs go through, on PostgreSQL (pg-boss, in its own `pgboss`
 * schema): Sync Now and scheduled runs are jobs, and each job is taken by exactly one worker of
 * one process. A job carries only the run id; the run's row says what to do.
 */
export class SyncQueue {
  private boss: PgBoss | null = null;
  private stopping = false;

  constructor(private readonly deps: { databaseUrl: string; logger: Logger; pollSeconds?: number }) {}

  /** Starts the queue; with handlers this process also works jobs (without them it only sends). */
  async start(handlers: { run: (runId: string) => Promise<void>; retry: (job: RetryJob) => Promise<void> } | null): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.deps.databaseUrl,
      schema: 'pgboss',
      max: 3,
      application_name: 'rollcall-queue',
      // Rollcall schedules runs itself (see EntraSyncService.tick): one atomic claim per due list.
      schedule: false,
      // Queue upkeep (expiring jobs of a killed worker, archiving) runs where jobs run.
      supervise: handlers !== null,
    });
    boss.on('error', (err) => {
      if (!isDatabaseUnavailable(err)) return void this.deps.logger.error({ err }, 'job queue error');
      // The database went away: pg-boss reconnects by itself, so a warning, unless this process is
      // stopping too (Ctrl-C reaches an embedded PostgreSQL as fast as this process, which may hear
      // of the closed connections before its own signal: hence the short wait before saying so).
      setTimeout(() => {
        if (!this.stopping) this.deps.logger.warn({ err: (err as Error).message }, 'job queue lost its database connection; it reconnects');
      }, 500).unref();
    });
    await boss.start();
    // Processes starting together take turns: concurrent create_queue calls deadlock in PostgreSQL.
    await withStartupLock(this.deps.databaseUrl, async () => {
      await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, retryLimit: 0, expireInSeconds: 6 * 3600 });
      await boss.createQueue(RETRY_QUEUE, { name: RETRY_QUEUE, retryLimit: 0, expireInSeconds: 3600 });
    });
    if (handlers) {
      const poll = { batchSize: 1, pollingIntervalSeconds: this.deps.pollSeconds ?? 0.5 };
      await boss.work<{ runId: string }>(RUN_QUEUE, poll, async ([job]) => {
        if (job && !this.stopping) await handlers.run(job.data.runId);
      });
      await boss.work<RetryJob>(RETRY_QUEUE, poll, async ([job]) => {
        if (job && !this.stopping) await handlers.retry(job.data);
      });
    }
    this.boss = boss;
  }

  async send(runId: string): Promise<void> {
    if (!this.boss) throw new Error('the job queue is not running');
    await this.boss.send(RUN_QUEUE, { runId }, { retryLimit: 0 });
  }

  /** Asks for a retry of a list's sync after a delay (one pending retry per list). */
  async sendRetry(job: RetryJob, delaySeconds: number): Promise<void> {
    if (!this.boss) throw new Error('the job queue is not running');
    await this.boss.send(RETRY_QUEUE, job, { retryLimit: 0, startAfter: delaySeconds, singletonKey: job.listId });
  }

  /** Jobs waiting (created, retry) and being worked (active), by queue: the queue depth metric. */
  async depth(): Promise<Array<{ queue: string; state: string; count: number }>> {
    if (!this.boss) return [];
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name AS queue, state::text AS state, count(*)::int AS count FROM pgboss.job WHERE state IN ('created', 'retry', 'active') GROUP BY 1, 2`,
      [],
    );
    // Every queue and state, zeros included, so an empty queue is a series at 0 rather than none.
    const found = rows as Array<{ queue: string; state: string; count: number }>;
    return [RUN_QUEUE, RETRY_QUEUE].flatMap((queue) =>
      ['created', 'retry', 'active'].map((state) => ({ queue, state, count: found.find((r) => r.queue === queue && r.state === state)?.count ?? 0 })),
    );
  }

  /** Takes no more jobs from now on, ahead of `stop` (the process is shutting down). */
  beginStop(): void {
    this.stopping = true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Running jobs finish (their runs are marked done); nothing new is fetched.
    await this.boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
    this.boss = null;
  }
}

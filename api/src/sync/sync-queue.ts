import PgBoss from 'pg-boss';
import type { Logger } from '../shared/logger.js';

const RUN_QUEUE = 'sync-run';

/**
 * The durable job queue sync runs go through, on PostgreSQL (pg-boss, in its own `pgboss`
 * schema): Sync Now and scheduled runs are jobs, and each job is taken by exactly one worker of
 * one process. A job carries only the run id; the run's row says what to do.
 */
export class SyncQueue {
  private boss: PgBoss | null = null;
  private stopping = false;

  constructor(private readonly deps: { databaseUrl: string; logger: Logger; pollSeconds?: number }) {}

  /** Starts the queue; with a handler this process also works jobs (without one it only sends). */
  async start(handler: ((runId: string) => Promise<void>) | null): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.deps.databaseUrl,
      schema: 'pgboss',
      max: 3,
      application_name: 'rollcall-queue',
      // Rollcall schedules runs itself (see EntraSyncService.tick): one atomic claim per due list.
      schedule: false,
    });
    boss.on('error', (err) => this.deps.logger.error({ err }, 'job queue error'));
    await boss.start();
    await boss.createQueue(RUN_QUEUE, { name: RUN_QUEUE, retryLimit: 0, expireInSeconds: 6 * 3600 });
    if (handler) {
      await boss.work<{ runId: string }>(RUN_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.deps.pollSeconds ?? 0.5 }, async ([job]) => {
        if (job && !this.stopping) await handler(job.data.runId);
      });
    }
    this.boss = boss;
  }

  async send(runId: string): Promise<void> {
    if (!this.boss) throw new Error('the job queue is not running');
    await this.boss.send(RUN_QUEUE, { runId }, { retryLimit: 0 });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Running jobs finish (their runs are marked done); nothing new is fetched.
    await this.boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
    this.boss = null;
  }
}

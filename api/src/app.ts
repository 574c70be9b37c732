import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import { createLogger, type Logger } from './shared/logger.js';
import { systemClock, type Clock } from './shared/clock.js';
import { randomIds, type IdGenerator } from './shared/ids.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from './db/embedded.js';
import { initOrm, migrate, poolUse } from './db/orm.js';
import { Metrics } from './shared/metrics.js';
import { AuditService } from './audit/audit.service.js';
import { AuthService } from './auth/auth.service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { ListsService } from './lists/lists.service.js';
import { PeopleService } from './people/people.service.js';
import { EventBus } from './events/event-bus.js';
import { createSchema } from './graphql/schema.js';
import { createHttpServer } from './http/server.js';
import { createProbeServer } from './http/probes.js';
import { SecretBox } from './shared/secret-box.js';
import { EntraConnectionsService } from './sync/entra/entra-connections.service.js';
import { SyncRunsService } from './sync/sync-runs.service.js';
import { SyncRunner } from './sync/engine/runner.js';
import { ListSyncService } from './sync/list-sync.service.js';
import { EntraSyncService } from './sync/entra/entra-sync.service.js';
import { SyncQueue } from './sync/sync-queue.js';
import { ScimConnectionsService } from './scim/scim-connections.service.js';
import { ScimHandler } from './scim/scim.handler.js';
import { RawSql } from './db/raw-sql.js';
import { ScimUsersStore } from './scim/storage/scim-users.store.js';
import { ScimGroupsStore } from './scim/storage/scim-groups.store.js';
import { RateLimiter } from './scim/rate-limit.js';
import { ProvisioningLog } from './scim/provisioning-log.js';
import { CsvImportsService } from './sync/csv/csv-imports.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { ChangesetsService } from './changesets/changesets.service.js';
import { AlertsService } from './alerts/alerts.service.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';

/** Side effects a caller (a test) may replace. */
export interface AppOverrides {
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
}

export interface App {
  /** Where the server listens, e.g. http://127.0.0.1:4000. */
  url: string;
  port: number;
  orm: MikroORM;
  databaseUrl: string;
  logger: Logger;
  stop(): Promise<void>;
}

/**
 * The key that seals secrets at rest: ROLLCALL_SECRET_KEY, or in development a generated key kept
 * in the data directory (with a warning: every process sharing the database needs the same key).
 */
async function secretBox(config: Config, logger: Logger): Promise<SecretBox> {
  if (config.secretKey) return new SecretBox(config.secretKey, config.previousSecretKeys);
  const file = path.join(config.dataDir, 'secret.key');
  let key = await readFile(file, 'utf8').catch(() => null);
  if (!key) {
    await mkdir(config.dataDir, { recursive: true });
    key = SecretBox.generateKey();
    await writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  logger.warn({ file }, 'ROLLCALL_SECRET_KEY is not set: using a development key from the data directory; set it in production');
  return new SecretBox(Buffer.from(key.trim(), 'base64'), config.previousSecretKeys);
}

/** Resolves the database: DATABASE_URL, or an embedded cluster under the data directory. */
async function database(config: Config, logger: Logger): Promise<{ url: string; cluster: EmbeddedCluster | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, cluster: null };
  const cluster = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, logger, durable: true });
  await ensureDatabase(cluster.url('postgres'), 'rollcall');
  return { url: cluster.url('rollcall'), cluster };
}

/**
 * The composition root: connects the database, applies migrations, wires services and starts
 * the HTTP server. `stop()` shuts everything down in reverse order.
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel, config.logPretty);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const { url: databaseUrl, cluster } = await database(config, logger);
  const cleanups: Array<() => Promise<void>> = [];
  /** Told at once when stopping begins, before the cleanups run one by one. */
  const stopping: Array<() => void> = [];
  if (cluster) cleanups.push(() => cluster.stop());
  try {
    const orm = await initOrm(databaseUrl, logger, config.dbPoolMax);
    cleanups.push(() => orm.close(true));
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ applied }, 'applied database migrations');

    const audit = new AuditService(clock, ids);
    const auth = new AuthService({ clock, ids, audit, sessionTtlHours: config.sessionTtlHours });
    const lists = new ListsService({ orm, clock, ids, audit, logger });
    const bus = new EventBus(databaseUrl, logger);
    // Writers publish inside their transactions (pg_notify) in any role; only processes that
    // serve subscriptions listen.
    if (config.role !== 'worker') {
      await bus.start();
      cleanups.push(() => bus.stop());
      stopping.push(() => bus.beginStop());
    }
    const people = new PeopleService({ clock, ids, audit, events: bus, lists });
    const entraConnections = new EntraConnectionsService({ clock, ids, audit, secrets: await secretBox(config, logger) });
    const { rotated, unreadable } = await entraConnections.rotateSecrets(orm.em.fork());
    if (rotated > 0) logger.info({ rotated }, 're-encrypted stored secrets under the current ROLLCALL_SECRET_KEY');
    if (unreadable.length > 0) logger.error({ connections: unreadable }, 'stored secrets encrypted with a key that is not configured: set it in ROLLCALL_SECRET_KEY_PREVIOUS, or enter those secrets again');

    if (config.adminEmail && config.adminPassword) {
      const created = await auth.bootstrapAdmin(orm.em.fork(), config.adminOrganization, config.adminEmail, config.adminPassword);
      if (created) logger.info({ email: config.adminEmail }, 'created the first organisation and its owner from ROLLCALL_ADMIN_EMAIL');
    }

    const metrics = new Metrics();
    const syncRunner = new SyncRunner({ orm, clock, ids, logger, staleAfterMs: config.runStaleSeconds * 1000, observer: metrics });
    const queue = new SyncQueue({ databaseUrl, logger });
    metrics.gauge('rollcall_queue_jobs', 'Jobs in the pg-boss queues (shared by every process), by queue and state: created and retry wait, active are being worked.', ['queue', 'state'], async () =>
      (await queue.depth()).map((d) => ({ labels: { queue: d.queue, state: d.state }, value: d.count })),
    );
    metrics.gauge('rollcall_db_pool_connections', "This process's database connections, by state: used, free (idle), pending (callers waiting for one), max.", ['state'], () =>
      Object.entries(poolUse(orm)).map(([state, value]) => ({ labels: { state }, value })),
    );
    const entraSync = new EntraSyncService({
      orm, clock, ids, logger, audit, lists, connections: entraConnections, runner: syncRunner, queue,
      overrides: { graphBaseUrl: config.graphBaseUrl, authorityHost: config.entraAuthorityHost },
      retrySeconds: config.syncRetrySeconds,
    });
    // Runs interrupted by a previous process are marked failed before new work starts.
    await syncRunner.recoverInterrupted();
    await queue.start(config.syncWorker ? { run: (runId) => entraSync.runQueued(runId), retry: (job) => entraSync.retry(job) } : null);
    cleanups.push(() => queue.stop());
    stopping.push(() => queue.beginStop());
    // Workers (role all or worker) keep time: each tick first fails runs whose process died (stale
    // heartbeat), so they never stay RUNNING, then queues the scheduled runs that are due.
    if (config.syncWorker) {
      const scheduler = setInterval(() => {
        syncRunner
          .recoverInterrupted()
          .then(() => entraSync.tick())
          .catch((err) => logger.error({ err }, 'scheduler tick failed'));
      }, config.schedulerTickSeconds * 1000);
      scheduler.unref();
      cleanups.push(async () => clearInterval(scheduler));
    }

    const scimConnections = new ScimConnectionsService({ clock, ids, audit, lists, bus });
    const provisioningLog = new ProvisioningLog({ orm, clock, ids, logger, retentionDays: config.provisioningLogDays });
    cleanups.push(() => provisioningLog.stop());
    const csvImports = new CsvImportsService({ orm, clock, ids, logger, audit, lists, runner: syncRunner, maxBytes: config.csvMaxBytes });
    const sessions = new SessionsService({ clock, ids, audit, lists });
    const changesets = new ChangesetsService({ clock, ids, audit, events: bus, lists, sessions });
    const schema = await createSchema({ auth, throttle: new LoginThrottle(clock, config.loginFreeAttempts), lists, people, audit, entraConnections, entraSync, syncRuns: new SyncRunsService(), syncRunner, listSync: new ListSyncService({ lists, audit, scimTokens: scimConnections }), scimConnections, provisioningLog, csvImports, sessions, changesets, alerts: new AlertsService({ clock }) });
    const rawSql = new RawSql(orm);
    const scim = new ScimHandler({ orm, clock, logger, connections: scimConnections, users: new ScimUsersStore({ clock, ids, sql: rawSql, events: bus }), groups: new ScimGroupsStore({ clock, ids, sql: rawSql, events: bus }), limiter: new RateLimiter(config.scimRatePerSecond, clock), log: provisioningLog });
    // A worker serves no public HTTP: only its health probes and metrics, on its own port.
    const http = config.role === 'worker' ? createProbeServer(orm, metrics, config.metricsToken) : await createHttpServer({ config, logger, orm, schema, auth, lists, people, csvImports, bus, scim, metrics });
    await new Promise<void>((resolve, reject) => {
      http.server.once('error', reject);
      http.server.listen(config.port, config.host, () => resolve());
    });
    cleanups.push(() => lists.settle());
    cleanups.push(() => csvImports.settle());
    cleanups.push(() => http.stop());
    const port = (http.server.address() as AddressInfo).port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    let stopped: Promise<void> | null = null;
    return {
      url: `http://${shownHost}:${port}`,
      port,
      orm,
      databaseUrl,
      logger,
      stop: () => {
        if (!stopped) for (const f of stopping) f();
        return (stopped ??= runCleanups(cleanups, logger));
      },
    };
  } catch (err) {
    await runCleanups(cleanups, logger);
    throw err;
  }
}

async function runCleanups(cleanups: Array<() => Promise<void>>, logger: Logger): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch (err) {
      logger.warn({ err }, 'error during shutdown');
    }
  }
}

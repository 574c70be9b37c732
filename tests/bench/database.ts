import pg from 'pg';
import { initOrm, migrate } from '../../api/src/db/orm.js';
import type { Logger } from '../../api/src/shared/logger.js';
import { databaseUrl, startPgServer } from '../support/pg-server.js';

/**
 * Runs `fn` against a fresh, migrated database on the benchmarks' PostgreSQL server (DATABASE_URL's,
 * or the embedded one under .data/bench-pg), and drops the database afterwards, whatever happened.
 */
export async function withBenchDatabase(prefix: string, logger: Logger, fn: (dbUrl: string) => Promise<void>): Promise<void> {
  const { adminUrl, stop } = await startPgServer('bench-pg', 54349, logger);
  const dbName = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const dbUrl = databaseUrl(adminUrl, dbName);
    const orm = await initOrm(dbUrl, undefined, 2);
    await migrate(orm);
    await orm.close(true);
    await fn(dbUrl);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((err: unknown) => console.error(`could not drop ${dbName}:`, err));
    await admin.end().catch(() => undefined);
    await stop();
  }
}

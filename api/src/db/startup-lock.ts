import pg from 'pg';

/** The advisory lock that lets one process at a time prepare the database (any number may start together). */
const STARTUP_LOCK = 7_414_551_020;

/**
 * Runs `fn` while holding a PostgreSQL session advisory lock on its own connection. Replicas
 * started together (api processes and workers) take turns at start-up work that is not safe to
 * race: migrations, and pg-boss creating its queues (concurrent `create_queue` calls deadlock).
 */
export async function withStartupLock<T>(databaseUrl: string, fn: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
    return await fn();
  } finally {
    // Ending the session releases the lock.
    await lock.end().catch(() => undefined);
  }
}

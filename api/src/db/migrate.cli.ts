import path from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../shared/logger.js';
import { ensureDatabase, startEmbeddedPostgres } from './embedded.js';
import { initOrm, migrate } from './orm.js';

/** `npm run migrate`: applies committed migrations to DATABASE_URL or the embedded database. */
const config = loadConfig();
const logger = createLogger(config.logLevel, config.logPretty);
let url = config.databaseUrl;
let stop: (() => Promise<void>) | undefined;
if (!url) {
  const cluster = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, logger, durable: true });
  await ensureDatabase(cluster.url('postgres'), 'rollcall');
  url = cluster.url('rollcall');
  stop = () => cluster.stop();
}
const orm = await initOrm(url, logger);
try {
  const applied = await migrate(orm);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date');
} finally {
  await orm.close(true);
  await stop?.();
}

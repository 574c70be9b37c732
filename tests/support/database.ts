import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrl } from './pg-server.js';

/** A fresh database for one test file, copied from the migrated template. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.ROLLCALL_TEST_PG_ADMIN_URL;
  const template = process.env.ROLLCALL_TEST_PG_TEMPLATE;
  if (!adminUrl || !template) throw new Error('the test database is set up by tests/support/global-setup.ts; run tests with vitest from the repository root');
  const pid = template.replace('rollcall_tpl_', '');
  const name = `rt_${pid}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(adminUrl, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

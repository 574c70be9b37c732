import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from './orm.js';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database.js';
import { RawSql } from './raw-sql.js';

const ORG = '30000000-0000-4000-8000-000000000001';

describe('RawSql against PostgreSQL', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let sql: RawSql;
  const names = async () => (await sql.select<{ name: string }>(`SELECT name FROM organization ORDER BY name`, [])).map((r) => r.name);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
    sql = new RawSql(orm);
  });
  afterAll(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('prepares reads by name and binds their parameters', async () => {
    const seen: Array<{ sql: string; bindings: unknown[] }> = [];
    const listen = (q: { sql: string; bindings: unknown[] }) => seen.push(q);
    orm.em.getKnex().on('query', listen);
    try {
      expect(await sql.select<{ n: number }>(`SELECT ?::int + ?::int AS n`, [40, 2])).toEqual([{ n: 42 }]);
    } finally {
      orm.em.getKnex().off('query', listen);
    }
    expect(seen).toEqual([{ method: 'raw', sql: 'SELECT $1::int + $2::int AS n', bindings: [40, 2] }]);
  });

  it('keeps a transaction open across calls until it is committed or rolled back, once', async () => {
    const kept = await sql.begin();
    expect(kept.db.isInTransaction()).toBe(true);
    await kept.db.execute(`INSERT INTO organization (id, name) VALUES (?, ?)`, [ORG, 'Kept']);
    // Not visible elsewhere before the commit.
    expect(await names()).not.toContain('Kept');
    await kept.commit();
    await kept.commit();
    expect(kept.db.isInTransaction()).toBe(false);
    expect(await names()).toContain('Kept');

    const dropped = await sql.begin();
    // A batch's rows travel as one bound parameter (here a JSON array), not as a literal in the text.
    const rows = JSON.stringify([{ id: '30000000-0000-4000-8000-000000000002', name: `Dropped's "quotes" \\ and ?` }]);
    await dropped.db.execute(`INSERT INTO organization (id, name) SELECT d.id, d.name FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, name text)`, [rows]);
    const [inside] = await dropped.db.execute<Array<{ name: string }>>(`SELECT name FROM organization WHERE id = ?`, ['30000000-0000-4000-8000-000000000002']);
    expect(inside!.name).toBe(`Dropped's "quotes" \\ and ?`);
    await dropped.rollback();
    expect(await names()).toEqual(['Kept']);
  });

  it('gives the connection back when a transaction fails, and the failure is the caller\'s', async () => {
    const tx = await sql.begin();
    await expect(tx.db.execute(`INSERT INTO organization (id, name) VALUES (?, ?)`, [ORG, 'Twice'])).rejects.toThrow(/duplicate key/);
    await tx.rollback();
    // Every connection of the pool still serves (a leaked one would exhaust it).
    for (let i = 0; i < 30; i++) await (await sql.begin()).rollback();
    expect(await names()).toEqual(['Kept']);
  });
});

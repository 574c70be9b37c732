import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initOrm } from './orm.js';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/database.js';

const GONE = '31000000-0000-4000-8000-000000000001';
const KEPT = '31000000-0000-4000-8000-000000000002';

describe('audit entries and their organisation (migration 20261204230000)', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await initOrm(db.url);
  });
  afterAll(async () => {
    await orm.close(true);
    await db.drop();
  });

  it('writes entries with no per-entry foreign-key check, and removing an organisation removes its trail, only its own', async () => {
    const sql = orm.em.getConnection();
    const [fk] = await sql.execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'audit_entry'::regclass AND contype = 'f'`);
    expect(fk!.n).toBe(0);
    await sql.execute(`INSERT INTO organization (id, name) VALUES (?, 'Gone'), (?, 'Kept')`, [GONE, KEPT]);
    await sql.execute(
      `INSERT INTO audit_entry (id, organization_id, entity_type, entity_id, action, actor_type, actor_label)
       SELECT gen_random_uuid(), o, 'organization', o, 'test.entry', 'SYSTEM', 'test' FROM unnest(?::uuid[]) o, generate_series(1, 3)`,
      [`{${GONE},${KEPT}}`],
    );
    await sql.execute(`DELETE FROM organization WHERE id = ?`, [GONE]);
    const rows = await sql.execute<Array<{ organization_id: string; n: number }>>(`SELECT organization_id, count(*)::int AS n FROM audit_entry GROUP BY 1`);
    expect(rows).toEqual([{ organization_id: KEPT, n: 3 }]);
  });
});

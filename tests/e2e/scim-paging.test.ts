import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { ScimClient, connectScimList } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

// Pages deep in a list start from remembered positions (keyset) instead of OFFSET: they must
// hold exactly the users an OFFSET over the same order holds, with the right total, also after
// users are created, and cost one statement.
describe('SCIM pages deep in a list', () => {
  let server: TestServer;
  let scim: ScimClient;
  let listId: string;
  const N = 2600;
  const statements: string[] = [];
  const bindings: unknown[][] = [];

  const expected = async (startIndex: number, count: number) =>
    (await server.app.orm.em.getConnection().execute<Array<{ scim_id: string }>>(
      `SELECT scim_id FROM scim_user WHERE list_id = ? ORDER BY created_at, person_id LIMIT ? OFFSET ?`,
      [listId, count, startIndex - 1],
    )).map((r) => r.scim_id);
  /** A page read both ways: whole users (written as JSON text) and projected (built as objects); they must agree. */
  const page = async (startIndex: number, count: number) => {
    const whole = await scim.get(`/Users?startIndex=${startIndex}&count=${count}`);
    const projected = await scim.get(`/Users?startIndex=${startIndex}&count=${count}&attributes=userName`);
    expect([whole.status, projected.status]).toEqual([200, 200]);
    const shape = (r: typeof whole) => ({ total: r.body.totalResults as number, ids: (r.body.Resources as Array<{ id: string }>).map((u) => u.id), startIndex: r.body.startIndex as number, itemsPerPage: r.body.itemsPerPage as number });
    expect(shape(whole)).toEqual(shape(projected));
    expect((whole.body.Resources as Array<{ userName: string }>).map((u) => u.userName)).toEqual((projected.body.Resources as Array<{ userName: string }>).map((u) => u.userName));
    return shape(whole);
  };

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_SCIM_RATE_PER_SECOND: '100000' });
    const owner = await setupOwner(server);
    const c = await connectScimList(owner, 'Deep', 'USERNAME');
    listId = c.listId;
    scim = new ScimClient(c.baseUrl, c.token);
    // Timestamps to the microsecond, and runs of equal ones (ties broken by person id).
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor, created_at)
       SELECT gen_random_uuid(), l.organization_id, l.id, 'u' || i || '@deep.test', jsonb_build_object('username', 'u' || i || '@deep.test'), 'scim', gen_random_uuid()::text,
              timestamptz '2026-01-01' + ((i / 3) * interval '1.000001 second')
         FROM master_list l, generate_series(1, ?) i WHERE l.id = ?`,
      [N, listId],
    );
    await conn.execute(
      `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, resource, created_at, updated_at)
       SELECT id, organization_id, list_id, source_anchor, uid, jsonb_build_object('userName', uid), created_at, created_at FROM person WHERE list_id = ?`,
      [listId],
    );
    server.app.orm.em.getKnex().on('query', (q: { sql: string; bindings?: unknown[] }) => {
      statements.push(q.sql);
      bindings.push(q.bindings ?? []);
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('holds what OFFSET holds, with the total, across remembered positions', async () => {
    for (const [startIndex, count] of [[1001, 100], [1000, 3], [1999, 5], [2000, 1], [2001, 100], [2550, 100], [N, 10]] as const) {
      const got = await page(startIndex, count);
      expect(got.ids, `startIndex ${startIndex}`).toEqual(await expected(startIndex, count));
      expect(got.total).toBe(N);
      expect(got.startIndex).toBe(startIndex);
    }
    const beyond = await page(N + 5, 10);
    expect(beyond).toMatchObject({ ids: [], total: N });
  });

  it('counts users created since, and pages through them', async () => {
    for (let i = 0; i < 3; i++) expect((await scim.post('/Users', { schemas: [USER], userName: `late${i}@deep.test`, active: true })).status).toBe(201);
    const full = await page(1501, 100);
    expect(full.total).toBe(N + 3);
    expect(full.ids).toEqual(await expected(1501, 100));
    const end = await page(N - 1, 100);
    expect(end.ids).toEqual(await expected(N - 1, 100));
    expect(end.ids).toHaveLength(5);
    expect(end.total).toBe(N + 3);
  });

  it('costs one statement once the positions are known, and plans it once per connection', async () => {
    await page(2101, 100);
    for (const projection of ['', '&attributes=userName']) {
      statements.length = 0;
      bindings.length = 0;
      expect((await scim.get(`/Users?startIndex=1801&count=100${projection}`)).status).toBe(200);
      const own = statements.flatMap((s, i) => (/provisioning_log/i.test(s) ? [] : [[s, bindings[i]!] as const]));
      expect(own, statements.join('\n')).toHaveLength(1);
      // Its values are hidden from the planner (one-row subqueries), so that after PostgreSQL's
      // five custom plans the generic one wins and each page is only bound and executed: a custom
      // plan costed with the values would look cheaper and be planned again at every page.
      expect(await plansOf(own[0]![0], own[0]![1], 8), projection).toEqual({ custom: 5, generic: 3 });
    }
  });

  it('counts the total apart when more than 10,000 users were created since the positions were read', async () => {
    const before = await page(1801, 100);
    // Written straight to the database, after the positions were read (they are kept 30 s).
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor, created_at)
       SELECT gen_random_uuid(), l.organization_id, l.id, 'burst' || i || '@deep.test', '{}'::jsonb, 'scim', gen_random_uuid()::text, now() + i * interval '1 microsecond'
         FROM master_list l, generate_series(1, 10001) i WHERE l.id = ?`,
      [listId],
    );
    await conn.execute(
      `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, resource, created_at, updated_at)
       SELECT id, organization_id, list_id, source_anchor, uid, jsonb_build_object('userName', uid), created_at, created_at FROM person WHERE list_id = ? AND uid LIKE 'burst%'`,
      [listId],
    );
    const after = await page(1801, 100);
    expect(after.ids).toEqual(before.ids);
    expect(after.total).toBe(before.total + 10001);
  });

  /**
   * How PostgreSQL planned a statement executed `times` times in one session: custom and generic
   * plans. (At this list's size a statement with its values in sight may win a generic plan too;
   * at 100,000 people it does not, which `npm run bench` shows. This pins the plans it gets.)
   */
  async function plansOf(text: string, values: unknown[], times: number): Promise<{ custom: number; generic: number }> {
    const literal = (v: unknown) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`);
    return server.app.orm.em.getKnex().transaction(async (trx) => {
      await trx.raw(`PREPARE page_check AS ${text}`);
      for (let i = 0; i < times; i++) await trx.raw(`EXECUTE page_check(${values.map(literal).join(', ')})`);
      const { rows } = await trx.raw<{ rows: Array<{ custom_plans: string; generic_plans: string }> }>(`SELECT custom_plans, generic_plans FROM pg_prepared_statements WHERE name = 'page_check'`);
      await trx.raw('DEALLOCATE page_check');
      return { custom: Number(rows[0]!.custom_plans), generic: Number(rows[0]!.generic_plans) };
    });
  }
});

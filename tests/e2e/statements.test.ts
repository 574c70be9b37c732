import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

// The people listing must cost a fixed number of SQL statements whatever the page size:
// authentication, the page, the count. A resolver that fans out per row (N+1) fails this.
describe('SQL statements per people request', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  const statements: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "email", label: "Email", type: EMAIL }) { id } }`, { l: listId });
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO person (id, organization_id, list_id, uid, "values")
       SELECT gen_random_uuid(), l.organization_id, l.id, 'E' || lpad(g::text, 4, '0'), jsonb_build_object('employee_id', 'E' || lpad(g::text, 4, '0'), 'email', 'p' || g || '@x.test')
         FROM master_list l, generate_series(1, 300) g WHERE l.id = ?`,
      [listId],
    );
    server.app.orm.em.getKnex().on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('skips the count when totalCount is not selected', async () => {
    statements.length = 0;
    const { people } = await owner.ok<{ people: { edges: unknown[] } }>(`query($l: ID!) { people(listId: $l, first: 50) { edges { node { uid } } } }`, { l: listId });
    expect(people.edges).toHaveLength(50);
    expect(statements.filter((s) => /count\(\*\)/i.test(s))).toEqual([]);
    expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(2);
  });

  for (const first of [10, 200]) {
    it(`is at most 3 for a page of ${first}`, async () => {
      statements.length = 0;
      const { people } = await owner.ok<{ people: { edges: unknown[]; totalCount: number } }>(
        `query($l: ID!, $f: Int) { people(listId: $l, first: $f, sort: { field: "email" }) { totalCount pageInfo { endCursor } edges { cursor node { id uid status values } } } }`,
        { l: listId, f: first },
      );
      expect(people.edges).toHaveLength(first);
      expect(people.totalCount).toBe(300);
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.length, statements.join('\n')).toBeLessThanOrEqual(3);
    });
  }
});

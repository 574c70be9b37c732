import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

// Every shape of people listing costs a fixed number of SQL statements whatever the page size:
// authentication, the page, the count (see npm run bench for the same budget on 100,000 people).
// A resolver that fans out per row (N+1) makes the count grow with the page and fails here.

const PAGE = `query Page($l: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort, $filters: [FieldFilter!]) {
  people(listId: $l, first: $first, after: $after, status: $status, search: $search, sort: $sort, filters: $filters) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id uid status values } }
  }
}`;
interface Page {
  people: { totalCount: number; pageInfo: { endCursor: string | null }; edges: Array<{ cursor: string; node: { uid: string } }> };
}

const PEOPLE = 30;
const DEPARTMENTS = ['Sales', 'Engineering', 'Legal'];
/** Every sixth person is deactivated. */
const inactive = (i: number) => i % 6 === 0;

describe('SQL statements per people request, by listing shape', () => {
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
    for (const [key, type] of [['last_name', 'TEXT'], ['department', 'TEXT'], ['grade', 'NUMBER']]) {
      await owner.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label: key, type } });
    }
    for (let i = 1; i <= PEOPLE; i++) {
      const values = { employee_id: `E${String(i).padStart(3, '0')}`, last_name: `Name ${(i * 7) % PEOPLE}`, department: DEPARTMENTS[i % 3], grade: 1 + (i % 5) };
      const { createPerson } = await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v: values });
      if (inactive(i)) await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: createPerson.id });
    }
    server.app.orm.em.getKnex().on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  afterAll(async () => {
    await server.stop();
  });

  /** The statements one request starts, less the credential's last-use update (once a minute at most). */
  async function counted<T>(query: string, variables: Record<string, unknown>): Promise<{ data: T; sql: string[] }> {
    statements.length = 0;
    const data = await owner.ok<T>(query, variables);
    const sql = statements.filter((s) => !/^update "?(auth_session|api_token)"? set last_used_at/i.test(s.trim()));
    return { data, sql };
  }

  const active = PEOPLE - Array.from({ length: PEOPLE }, (_, k) => k + 1).filter(inactive).length;
  const shapes: Array<{ name: string; vars: Record<string, unknown>; total: number; secondPage?: boolean }> = [
    { name: 'default (active, by UID)', vars: {}, total: active },
    { name: 'sorted by a text field, descending', vars: { sort: { field: 'last_name', direction: 'DESC' } }, total: active },
    { name: 'sorted by a number field', vars: { sort: { field: 'grade' } }, total: active },
    { name: 'sorted by creation', vars: { sort: { field: 'createdAt' } }, total: active },
    { name: 'inactive', vars: { status: 'INACTIVE' }, total: PEOPLE - active },
    { name: 'everyone', vars: { status: 'ALL' }, total: PEOPLE },
    { name: 'searched', vars: { search: 'name 1', status: 'ALL' }, total: 11 },
    { name: 'filtered by value', vars: { filters: [{ field: 'department', operator: 'EQ', value: 'sales' }, { field: 'grade', operator: 'GT', value: '2' }], status: 'ALL' }, total: 6 },
    { name: 'second page, sorted by a text field', vars: { sort: { field: 'last_name' } }, total: active, secondPage: true },
  ];

  for (const shape of shapes) {
    it(`is at most 3 for pages of 10 and 200: ${shape.name}`, async () => {
      let after: string | null = null;
      if (shape.secondPage) after = (await owner.ok<Page>(PAGE, { l: listId, first: 3, ...shape.vars })).people.pageInfo.endCursor;
      const sizes: number[] = [];
      for (const first of [10, 200]) {
        const { data, sql } = await counted<Page>(PAGE, { l: listId, first, after, ...shape.vars });
        expect(data.people.totalCount).toBe(shape.total);
        expect(data.people.edges).toHaveLength(Math.min(first, shape.total - (after ? 3 : 0)));
        expect(sql.length, sql.join('\n')).toBeGreaterThan(0);
        expect(sql.length, sql.join('\n')).toBeLessThanOrEqual(3);
        sizes.push(sql.length);
      }
      expect(sizes[1], 'a page of 200 costs more statements than a page of 10').toBe(sizes[0]);
    });
  }

  it('does not fan out per person for fields resolved beside the row (lockedFields)', async () => {
    const query = `query($l: ID!, $first: Int) { people(listId: $l, first: $first, status: ALL) { edges { node { uid lockedFields } } } }`;
    const small = await counted<{ people: { edges: unknown[] } }>(query, { l: listId, first: 2 });
    const large = await counted<{ people: { edges: unknown[] } }>(query, { l: listId, first: 200 });
    expect(small.data.people.edges).toHaveLength(2);
    expect(large.data.people.edges).toHaveLength(PEOPLE);
    expect(large.sql.length, large.sql.join('\n')).toBe(small.sql.length);
    // Authentication, the page (no count: totalCount is not selected) and one batched list lookup.
    expect(large.sql.length, large.sql.join('\n')).toBeLessThanOrEqual(3);
  });
});

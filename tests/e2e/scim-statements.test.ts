import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { ScimClient, connectScimList } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

// Each SCIM request costs a fixed, small number of SQL statements (round trips, BEGIN and COMMIT
// included), counted through the ORM's connection; the provisioning log's batched insert is
// written apart from the request and is not counted. The token and the list's write context are
// read without a statement once known (kept 5 s, forgotten on revocation or a schema change); a
// write of one person is the engine's statement with the identity row attached, no BEGIN and COMMIT.
// Before: create 14 → 6 → 2, PUT/PATCH 15 → 5 → 2, lookup and get 3 → 1.
describe('SQL statements per SCIM request', () => {
  let server: TestServer;
  let scim: ScimClient;
  const statements: string[] = [];
  const counted = () => statements.filter((s) => !/provisioning_log/i.test(s));
  const measure = async <T>(f: () => Promise<T>): Promise<{ result: T; sql: string[] }> => {
    await new Promise((r) => setTimeout(r, 50));
    statements.length = 0;
    const result = await f();
    return { result, sql: counted() };
  };

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_SCIM_RATE_PER_SECOND: '100000' });
    const owner = await setupOwner(server);
    const c = await connectScimList(owner, 'Statements', 'USERNAME');
    scim = new ScimClient(c.baseUrl, c.token);
    for (let i = 0; i < 30; i++) expect((await scim.post('/Users', { schemas: [USER], userName: `seed${i}@acme.test`, name: { givenName: 'Seed', familyName: String(i) }, active: true })).status).toBe(201);
    server.app.orm.em.getKnex().on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  afterAll(async () => {
    await server.stop();
  });

  const user = (userName: string, title: string) => ({ schemas: [USER], userName, name: { givenName: 'Grace', familyName: 'Hopper' }, title, active: true });
  let id = '';

  const cases: Array<[string, number, () => Promise<{ status: number }>, number]> = [
    ['create', 201, async () => {
      const r = await scim.post('/Users', user('grace@acme.test', 'Rear Admiral'));
      id = r.body.id;
      return r;
    }, 2],
    ['lookup userName eq', 200, () => scim.get(`/Users?filter=${encodeURIComponent('userName eq "grace@acme.test"')}`), 1],
    ['get by id', 200, () => scim.get(`/Users/${id}`), 1],
    ['replace (PUT) with a change', 200, () => scim.put(`/Users/${id}`, user('grace@acme.test', 'Commodore')), 2],
    ['replace (PUT) with no change', 200, () => scim.put(`/Users/${id}`, user('grace@acme.test', 'Commodore')), 1],
    ['PATCH replace title', 200, () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Admiral' }] }), 2],
    ['PATCH of an attribute no field maps (nickName)', 200, () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'nickName', value: 'Amazing Grace' }] }), 2],
    ['PATCH active false', 200, () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'active', value: false }] }), 5],
    ['DELETE (already inactive)', 204, () => scim.delete(`/Users/${id}`), 1],
    ['list page deep (startIndex=21, count=5)', 200, () => scim.get('/Users?startIndex=21&count=5'), 2],
  ];
  for (const [name, status, run, most] of cases) {
    it(`${name}: at most ${most}`, async () => {
      const { result, sql } = await measure(run);
      expect(result.status).toBe(status);
      expect(sql.length, sql.map((s) => s.replace(/\s+/g, ' ').slice(0, 160)).join('\n')).toBeLessThanOrEqual(most);
    });
  }

  it('a mapping changed by another process (straight in the database) applies to the next write, though write contexts are kept for seconds', async () => {
    expect((await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Admiral' }] })).status).toBe(200);
    const db = server.app.orm.em.getConnection();
    await db.execute(`UPDATE field_mapping SET transform = 'UPPERCASE' WHERE source_attribute = 'title'`);
    // The trigger's event reaches the process in milliseconds, well inside the 5 s it keeps a context.
    let n = 0;
    await expect
      .poll(async () => {
        expect((await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: `vice admiral ${++n}` }] })).status).toBe(200);
        const [row] = await db.execute<Array<{ title: string }>>(`SELECT p."values"->>'job_title' AS title FROM person p JOIN scim_user su ON su.person_id = p.id WHERE su.scim_id = ?`, [id]);
        return row?.title;
      }, { timeout: 1000, interval: 20 })
      .toMatch(/^VICE ADMIRAL \d+$/);
  });

  it('a token revoked by another process (straight in the database) fails at once, though tokens are kept for seconds', async () => {
    expect((await scim.get('/Users?count=1')).status).toBe(200);
    await server.app.orm.em.getConnection().execute(`UPDATE scim_token SET revoked_at = now()`);
    // The trigger's event reaches the process in milliseconds, well inside the 5 s it keeps a token.
    await expect.poll(async () => (await scim.get('/Users?count=1')).status, { timeout: 1000, interval: 20 }).toBe(401);
  });

});

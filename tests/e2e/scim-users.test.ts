import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { ScimClient, connectScimList, type ScimResponse } from '../support/scim.js';
import { ENTRA_SEQUENCE, JUMPCLOUD_SEQUENCE, OKTA_SEQUENCE, ONELOGIN_SEQUENCE, PINGONE_SEQUENCE, type ScimStep } from './fixtures/scim-sequences.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [USER, ENTERPRISE],
  userName,
  name: { givenName: 'Grace', familyName: 'Hopper' },
  emails: [{ primary: true, value: userName.includes('@') ? userName : `${userName}@acme.test`, type: 'work' }],
  displayName: 'Grace Hopper',
  active: true,
  ...extra,
});

/** `{id}` and `{groupId}` in a fixture stand for the ids the sequence's latest creates returned. */
function fill<T>(value: T, ids: { id: string; groupId: string }): T {
  return JSON.parse(JSON.stringify(value).replaceAll('{id}', ids.id).replaceAll('{groupId}', ids.groupId)) as T;
}

type Person = { id: string; uid: string; status: string; values: Record<string, unknown> };

describe('SCIM /Users through HTTP and PostgreSQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;

  const people = async (listId: string, status = 'ALL') =>
    (await owner.ok<{ people: { edges: Array<{ node: Person }> } }>(`query($l: ID!, $s: PersonStatusFilter) { people(listId: $l, status: $s, first: 500) { edges { node { id uid status values } } } }`, { l: listId, s: status })).people.edges.map((e) => e.node);

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_SCIM_RATE_PER_SECOND: '100000' });
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  describe.each([
    ['Okta', OKTA_SEQUENCE],
    ['Microsoft Entra ID', ENTRA_SEQUENCE],
    ['OneLogin', ONELOGIN_SEQUENCE],
    ['JumpCloud', JUMPCLOUD_SEQUENCE],
    ['PingOne', PINGONE_SEQUENCE],
  ])('%s documented request sequence', (idp, steps: ScimStep[]) => {
    let scim: ScimClient;
    let listId: string;
    const ids = { id: '', groupId: '' };
    beforeAll(async () => {
      const c = await connectScimList(owner, `${idp} list`, 'USERNAME');
      scim = new ScimClient(c.baseUrl, c.token);
      listId = c.listId;
    });
    it.each(steps.map((s, i) => [`${i + 1}. ${s.name}`, s] as const))('%s', async (_name, step) => {
      const res = await scim.request(step.method, fill(step.path, ids), step.body === undefined ? undefined : fill(step.body, ids), { 'user-agent': step.userAgent });
      expect(res.status, JSON.stringify(res.body)).toBe(step.status);
      if (step.status === 201) ids[step.path.startsWith('/Groups') ? 'groupId' : 'id'] = res.body.id;
      if (step.expect) expect(res.body).toMatchObject(fill(step.expect, ids));
      if (step.status < 400 && step.status !== 204) expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      if (step.person) {
        const all = await people(listId);
        if (step.person.uid === undefined) expect(all).toHaveLength(1);
        const person = step.person.uid === undefined ? all[0] : all.find((p) => p.uid === step.person!.uid);
        expect(person, `person ${step.person.uid ?? ''}`).toBeDefined();
        if (step.person.status) expect(person!.status).toBe(step.person.status);
        // null stands for "no value": the field is absent or null.
        const values = Object.entries(step.person.values ?? {});
        expect(Object.fromEntries(values.map(([k]) => [k, person!.values[k] ?? null]))).toEqual(Object.fromEntries(values));
      }
    });
    it('wrote every change through the engine: audit entries by the SCIM actor naming the IdP', async () => {
      const uid = steps.findLast((s) => s.person?.uid)?.person?.uid;
      const all = await people(listId);
      const p = uid ? all.find((x) => x.uid === uid) : all[0];
      const { auditTrail } = await owner.ok<{ auditTrail: { edges: Array<{ action: string; actor: { type: string; label: string } }> } }>(
        `query($l: ID!, $p: ID) { auditTrail(listId: $l, personId: $p, first: 100) { edges { action actor { type label } } } }`,
        { l: listId, p: p!.id },
      );
      const actions = auditTrail.edges.map((e) => e.action);
      expect(actions).toContain('person.created');
      expect(actions).toContain('person.updated');
      expect(actions).toContain('person.deactivated');
      expect(new Set(auditTrail.edges.map((e) => `${e.actor.type} ${e.actor.label}`))).toEqual(new Set([`SYNC SCIM (${idp})`]));
    });
  });

  describe('RFC 7644 rules', () => {
    let scim: ScimClient;
    let listId: string;
    let token: string;
    let baseUrl: string;
    beforeAll(async () => {
      const c = await connectScimList(owner, 'Rules', 'EMPLOYEE_NUMBER');
      ({ listId, token, baseUrl } = c);
      scim = new ScimClient(c.baseUrl, c.token);
      for (const [i, name] of ['alan', 'ada', 'grace', 'edsger', 'barbara'].entries()) {
        const r = await scim.post('/Users', user(`${name}@acme.test`, {
          name: { givenName: name[0]!.toUpperCase() + name.slice(1), familyName: `Family${i}` },
          emails: [{ value: `${name}@acme.test`, type: 'work', primary: true }, { value: `${name}@home.test`, type: 'home' }],
          title: i % 2 ? 'Engineer' : 'Manager',
          [ENTERPRISE]: { employeeNumber: `E${i}`, department: i < 3 ? 'R&D' : 'Sales' },
        }));
        expect(r.status, JSON.stringify(r.body)).toBe(201);
      }
    });

    it('discovery endpoints tell what is supported', async () => {
      const spc = await scim.get('/ServiceProviderConfig');
      expect(spc.body).toMatchObject({ patch: { supported: true }, bulk: { supported: false }, filter: { supported: true, maxResults: 1000 }, sort: { supported: true }, etag: { supported: true }, changePassword: { supported: false } });
      const types = await scim.get('/ResourceTypes');
      expect(types.body.Resources.map((r: { id: string }) => r.id)).toEqual(['User', 'Group']);
      expect((await scim.get('/ResourceTypes/User')).body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
      const schemas = await scim.get('/Schemas');
      expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, ENTERPRISE, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
      expect((await scim.get(`/Schemas/${ENTERPRISE}`)).body.attributes.map((a: { name: string }) => a.name)).toContain('employeeNumber');
      expect((await scim.post('/ServiceProviderConfig', {})).status).toBe(405);
    });

    it('401 with a SCIM error body for missing, malformed, unknown and revoked tokens', async () => {
      const cases: Array<[string, Record<string, string>]> = [
        ['missing', {}],
        ['not bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
        ['malformed', { authorization: 'Bearer sct_nope' }],
        ['unknown', { authorization: `Bearer ${token.slice(0, -4)}AAAA` }],
        ['session token', { authorization: `Bearer ${owner.token}` }],
      ];
      for (const [what, headers] of cases) {
        const res = await new ScimClient(baseUrl, null, headers).get('/Users');
        expect(res.status, what).toBe(401);
        expect(res.body, what).toMatchObject({ schemas: [ERROR], status: '401' });
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
      }
      const { generateScimToken } = await owner.ok<{ generateScimToken: { token: string; scimToken: { id: string } } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token scimToken { id } } }`, { l: listId });
      const second = new ScimClient(baseUrl, generateScimToken.token);
      expect((await second.get('/Users?count=1')).status).toBe(200);
      await owner.ok(`mutation($id: ID!) { revokeScimToken(id: $id) { id } }`, { id: generateScimToken.scimToken.id });
      expect((await second.get('/Users?count=1')).status).toBe(401);
      expect((await scim.get('/Users?count=1')).status).toBe(200);
      const { scimTokens } = await owner.ok<{ scimTokens: Array<{ id: string; lastUsedAt: string | null }> }>(`query($l: ID!) { scimTokens(listId: $l) { id lastUsedAt } }`, { l: listId });
      expect(scimTokens.find((t) => t.id === generateScimToken.scimToken.id)!.lastUsedAt).not.toBeNull();
    });

    it("404, not 403, outside the token's list: another list of the same organisation", async () => {
      const other = await connectScimList(owner, 'Other list', 'EMAIL');
      const created = await new ScimClient(other.baseUrl, other.token).post('/Users', user('zed@acme.test'));
      expect(created.status).toBe(201);
      const cross = new ScimClient(other.baseUrl, token);
      for (const res of [await cross.get('/Users'), await cross.get(`/Users/${created.body.id}`), await cross.delete(`/Users/${created.body.id}`)]) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ schemas: [ERROR], status: '404' });
      }
      expect((await scim.get(`/Users/${created.body.id}`)).status).toBe(404);
      expect((await scim.get(`/Users?filter=${encodeURIComponent('userName eq "zed@acme.test"')}`)).body.totalResults).toBe(0);
    });

    it.each([
      ['userName eq "ADA@acme.test"', ['ada']],
      ['userName ne "ada@acme.test"', ['alan', 'barbara', 'edsger', 'grace']],
      ['userName co "ra"', ['barbara', 'grace']],
      ['userName sw "a"', ['ada', 'alan']],
      ['userName ew "er@acme.test"', ['edsger']],
      ['userName pr', ['ada', 'alan', 'barbara', 'edsger', 'grace']],
      ['name.familyName gt "Family2"', ['barbara', 'edsger']],
      ['name.familyName ge "Family2"', ['barbara', 'edsger', 'grace']],
      ['name.familyName lt "Family1"', ['alan']],
      ['name.familyName le "Family1"', ['ada', 'alan']],
      ['title eq "Engineer" and name.givenName sw "E"', ['edsger']],
      ['title eq "Engineer" or userName eq "grace@acme.test"', ['ada', 'edsger', 'grace']],
      ['not (title eq "Engineer")', ['alan', 'barbara', 'grace']],
      ['(userName sw "a" or userName sw "b") and title eq "Manager"', ['alan', 'barbara']],
      ['emails[type eq "home" and value co "grace"]', ['grace']],
      ['emails.value ew "@home.test" and name.givenName eq "Ada"', ['ada']],
      ['emails co "barbara@home"', ['barbara']],
      [`${ENTERPRISE}:department eq "Sales"`, ['barbara', 'edsger']],
      ['externalId pr', []],
      ['active eq true', ['ada', 'alan', 'barbara', 'edsger', 'grace']],
      ['meta.lastModified gt "2000-01-01T00:00:00Z"', ['ada', 'alan', 'barbara', 'edsger', 'grace']],
      ['meta.created lt "2000-01-01T00:00:00Z"', []],
    ])('filter %s', async (filter, names) => {
      const res = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.Resources.map((r: { userName: string }) => r.userName.split('@')[0]).sort()).toEqual(names);
      expect(res.body.totalResults).toBe(names.length);
    });

    it('400 invalidFilter for filters that are not SCIM', async () => {
      for (const f of ['userName eq', 'userName zz "a"', 'active eq "maybe"', 'meta.created gt "yesterday"', '((userName eq "a"']) {
        const res = await scim.get(`/Users?filter=${encodeURIComponent(f)}`);
        expect(res.status, f).toBe(400);
        expect(res.body, f).toMatchObject({ scimType: 'invalidFilter', status: '400' });
      }
    });

    it('pages with startIndex and count, sorts with sortBy and sortOrder', async () => {
      const page = await scim.get('/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=2');
      expect(page.body).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
      expect(page.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['edsger@acme.test', 'barbara@acme.test']);
      const byName = await scim.get('/Users?sortBy=name.familyName&count=10');
      expect(byName.body.Resources.map((r: { name: { familyName: string } }) => r.name.familyName)).toEqual(['Family0', 'Family1', 'Family2', 'Family3', 'Family4']);
      const none = await scim.get('/Users?count=0');
      expect(none.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
      const clamped = await scim.get('/Users?startIndex=0&count=-3');
      expect(clamped.body).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
      const beyond = await scim.get('/Users?startIndex=99');
      expect(beyond.body).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
      expect((await scim.get('/Users?sortOrder=sideways')).body.scimType).toBe('invalidValue');
    });

    it('attributes and excludedAttributes', async () => {
      const only = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ada@acme.test"')}&attributes=userName,name.givenName,${ENTERPRISE}:department`);
      expect(Object.keys(only.body.Resources[0]).sort()).toEqual([ENTERPRISE, 'id', 'meta', 'name', 'schemas', 'userName'].sort());
      expect(only.body.Resources[0].name).toEqual({ givenName: 'Ada' });
      expect(only.body.Resources[0][ENTERPRISE]).toEqual({ department: 'R&D' });
      const without = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ada@acme.test"')}&excludedAttributes=emails,name.familyName,id`);
      expect(without.body.Resources[0].emails).toBeUndefined();
      expect(without.body.Resources[0].name).toEqual({ givenName: 'Ada' });
      expect(without.body.Resources[0].id).toBeDefined();
    });

    it('400 errors carry the right scimType', async () => {
      const id = (await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ada@acme.test"')}`)).body.Resources[0].id;
      const cases: Array<[string, () => Promise<ScimResponse>, number, string | undefined]> = [
        ['malformed JSON', () => scim.post('/Users', '{"userName": '), 400, 'invalidSyntax'],
        ['no userName', () => scim.post('/Users', { schemas: [USER], name: { givenName: 'X' } }), 400, 'invalidValue'],
        ['no UID (employeeNumber)', () => scim.post('/Users', user('nouid@acme.test')), 400, 'invalidValue'],
        ['bad email value', () => scim.post('/Users', user('bad@acme.test', { emails: [{ value: 'not an email', primary: true }], [ENTERPRISE]: { employeeNumber: 'E99' } })), 400, 'invalidValue'],
        ['PATCH of id', () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'id', value: 'x' }] }), 400, 'mutability'],
        ['remove without path', () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove' }] }), 400, 'noTarget'],
        ['unknown op', () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'merge', value: {} }] }), 400, 'invalidSyntax'],
        ['PATCH without PatchOp schema', () => scim.patch(`/Users/${id}`, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] }), 400, 'invalidSyntax'],
        ['bad path', () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }), 400, 'invalidPath'],
        ['taken UID', () => scim.post('/Users', user('clone@acme.test', { [ENTERPRISE]: { employeeNumber: 'E1' } })), 409, 'uniqueness'],
        ['removing userName', () => scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: 'userName' }] }), 400, 'invalidValue'],
      ];
      for (const [what, run, status, scimType] of cases) {
        const res = await run();
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.body, what).toMatchObject({ schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}) });
        expect(typeof res.body.detail, what).toBe('string');
      }
      expect((await people(listId)).length).toBe(5);
    });

    it('415 for a body that is not JSON, 413 for an oversized one', async () => {
      const xml = await scim.post('/Users', '<user/>', { 'content-type': 'application/xml' });
      expect(xml.status).toBe(415);
      const big = await scim.post('/Users', user('big@acme.test', { displayName: 'x'.repeat(1_100_000) }));
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ schemas: [ERROR], status: '413' });
      const plain = await scim.post('/Users', JSON.stringify(user('plainjson@acme.test', { [ENTERPRISE]: { employeeNumber: 'E50' } })), { 'content-type': 'application/json' });
      expect(plain.status).toBe(201);
    });

    it('ETags: If-Match honoured on PUT, PATCH and DELETE; If-None-Match gives 304', async () => {
      const created = await scim.post('/Users', user('etag@acme.test', { [ENTERPRISE]: { employeeNumber: 'E60' } }));
      const v1 = created.headers.get('etag')!;
      expect(v1).toMatch(/^W\/".+"$/);
      expect((await scim.get(`/Users/${created.body.id}`, { 'if-none-match': v1 })).status).toBe(304);
      const patched = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'One' }] }, { 'if-match': v1 });
      expect(patched.status).toBe(200);
      const v2 = patched.headers.get('etag')!;
      expect(v2).not.toBe(v1);
      const stale = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Two' }] }, { 'if-match': v1 });
      expect(stale.status).toBe(412);
      expect((await scim.put(`/Users/${created.body.id}`, user('etag@acme.test', { [ENTERPRISE]: { employeeNumber: 'E60' } }), { 'if-match': v1 })).status).toBe(412);
      expect((await scim.delete(`/Users/${created.body.id}`, { 'if-match': v1 })).status).toBe(412);
      expect((await scim.get(`/Users/${created.body.id}`)).body.title).toBe('One');
      expect((await scim.delete(`/Users/${created.body.id}`, { 'if-match': v2 })).status).toBe(204);
    });

    it('DELETE deactivates: the person stays INACTIVE and GET shows active false; fields are locked in Rollcall', async () => {
      const created = await scim.post('/Users', user('leaver@acme.test', { [ENTERPRISE]: { employeeNumber: 'E70', department: 'Ops' } }));
      expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
      expect((await scim.get(`/Users/${created.body.id}`)).body.active).toBe(false);
      const p = (await people(listId, 'INACTIVE')).find((x) => x.uid === 'E70')!;
      expect(p).toMatchObject({ status: 'INACTIVE', values: { department: 'Ops' } });
      const res = await owner.request(`mutation($id: ID!) { updatePerson(id: $id, values: { department: "Hacked" }) { id } }`, { id: p.id });
      expect(res.errors![0]!.extensions!.code).toBe('FIELD_LOCKED');
      expect(res.errors![0]!.message).toContain('SCIM');
      expect((await scim.delete(`/Users/${created.body.id}`)).status).toBe(204);
    });

    it('a changed UID never creates a second person; Unicode round-trips', async () => {
      const created = await scim.post('/Users', user('zoë@acme.test', { name: { givenName: 'Zoë', familyName: '岡田 👩‍💻' }, [ENTERPRISE]: { employeeNumber: 'E80' } }));
      expect(created.status).toBe(201);
      expect(created.body.name).toEqual({ givenName: 'Zoë', familyName: '岡田 👩‍💻' });
      const found = await scim.get(`/Users?filter=${encodeURIComponent('name.familyName eq "岡田 👩‍💻"')}`);
      expect(found.body.Resources.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
      const before = (await people(listId)).length;
      const moved = await scim.patch(`/Users/${created.body.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: `${ENTERPRISE}:employeeNumber`, value: 'E81' }] });
      expect(moved.status).toBe(200);
      const after = await people(listId);
      expect(after.length).toBe(before);
      expect(after.find((p) => p.values.first_name === 'Zoë')!.uid).toBe('E81');
    });

    it('concurrent creates of the same userName produce exactly one person', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => scim.post('/Users', user('race@acme.test', { [ENTERPRISE]: { employeeNumber: `R${i}` } }))));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      expect(results.filter((r) => r.status === 409).length).toBe(7);
      expect(results.every((r) => r.status === 201 || r.body.scimType === 'uniqueness')).toBe(true);
      const [row] = await server.app.orm.em.getConnection().execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM scim_user WHERE list_id = ? AND lower(user_name) = 'race@acme.test'`, [listId]);
      expect(row!.n).toBe(1);
      expect((await people(listId)).filter((p) => String(p.uid).startsWith('R'))).toHaveLength(1);
    });

    it('concurrent creates are written together, and each answers for itself as it would alone', async () => {
      const db = server.app.orm.em.getConnection();
      // Someone entered before the list was connected (no source) holds G-HAND: the create with that UID adopts them instead of adding a second.
      const [hand] = await db.execute<Array<{ id: string }>>(
        `INSERT INTO person (id, organization_id, list_id, uid, "values") SELECT gen_random_uuid(), organization_id, id, 'G-HAND', '{"employee_number": "G-HAND", "first_name": "Hand"}' FROM master_list WHERE id = ? RETURNING id`,
        [listId],
      );
      const statements: Array<{ sql: string; bindings?: unknown[] }> = [];
      const count = (q: { sql: string; bindings?: unknown[] }) => statements.push(q);
      server.app.orm.em.getKnex().on('query', count);
      const bodies = [
        ...Array.from({ length: 30 }, (_, i) => user(`batch${i}@acme.test`, { name: { givenName: 'Batch', familyName: `N${i}` }, [ENTERPRISE]: { employeeNumber: `G${i}` } })),
        user('twin-a@acme.test', { [ENTERPRISE]: { employeeNumber: 'G-TWIN' } }),
        user('twin-b@acme.test', { [ENTERPRISE]: { employeeNumber: 'G-TWIN' } }),
        user('alan@acme.test', { [ENTERPRISE]: { employeeNumber: 'G-ALAN' } }),
        user('adopter@acme.test', { [ENTERPRISE]: { employeeNumber: 'G-HAND' } }),
        user('no-number@acme.test'),
      ];
      const results = await Promise.all(bodies.map((b) => scim.post('/Users', b)));
      server.app.orm.em.getKnex().off('query', count);
      const status = (userName: string) => results[bodies.findIndex((b) => b.userName === userName)]!;
      for (let i = 0; i < 30; i++) {
        const r = status(`batch${i}@acme.test`);
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect(r.body).toMatchObject({ userName: `batch${i}@acme.test`, name: { familyName: `N${i}` }, [ENTERPRISE]: { employeeNumber: `G${i}` }, active: true });
        expect(r.headers.get('location')).toBe(`${baseUrl}/Users/${r.body.id}`);
        expect((await scim.get(`/Users/${r.body.id}`)).body).toEqual(r.body);
      }
      // The same UID twice: one of them, never both.
      expect([status('twin-a@acme.test').status, status('twin-b@acme.test').status].sort()).toEqual([201, 409]);
      expect(status('alan@acme.test')).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
      expect(status('no-number@acme.test')).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
      expect(status('adopter@acme.test').status).toBe(201);
      const listed = await people(listId);
      expect(listed.filter((p) => p.uid === 'G-HAND')).toEqual([expect.objectContaining({ id: hand!.id })]);
      expect(listed.filter((p) => p.uid === 'G-TWIN')).toHaveLength(1);
      expect(listed.filter((p) => /^G\d+$/.test(p.uid))).toHaveLength(30);
      // One audit row per person created, with who created it.
      const [audit] = await db.execute<Array<{ n: number; actors: string[] }>>(
        `SELECT count(*)::int AS n, array_agg(DISTINCT actor_label) AS actors FROM audit_entry a JOIN person p ON p.id = a.person_id WHERE a.list_id = ? AND a.action = 'person.created' AND p.uid ~ '^G[0-9]+$'`,
        [listId],
      );
      expect(audit).toEqual({ n: 30, actors: ['SCIM (SCIM client)'] });
      // Written together: statements that inserted several people (their rows are one JSON parameter), fewer than the creates.
      const batches = statements
        .filter((q) => /INSERT INTO person/i.test(q.sql))
        .map((q) => (q.bindings ?? []).find((b): b is string => typeof b === 'string' && b.startsWith('[{"anchor"')))
        .map((rows) => (rows ? (JSON.parse(rows) as unknown[]).length : 0));
      expect(Math.max(...batches)).toBeGreaterThan(1);
      expect(batches.length).toBeLessThan(bodies.length);
    });

    it('creates through two tokens at once (batched apart) that collide: one wins, the rest of both batches are created', async () => {
      const { generateScimToken } = await owner.ok<{ generateScimToken: { token: string } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: listId });
      const other = new ScimClient(baseUrl, generateScimToken.token);
      const send = (client: ScimClient, side: string) =>
        Promise.all([
          ...Array.from({ length: 10 }, (_, i) => client.post('/Users', user(`${side}${i}@acme.test`, { [ENTERPRISE]: { employeeNumber: `${side}-${i}` } }))),
          client.post('/Users', user(`Shared@acme.test`.replace('S', side === 'k' ? 'S' : 's'), { [ENTERPRISE]: { employeeNumber: `${side}-shared` } })),
        ]);
      const [a, b] = await Promise.all([send(scim, 'k'), send(other, 'm')]);
      for (const r of [...a.slice(0, 10), ...b.slice(0, 10)]) expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect([a[10]!.status, b[10]!.status].sort()).toEqual([201, 409]);
      const [row] = await server.app.orm.em.getConnection().execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM scim_user WHERE list_id = ? AND lower(user_name) = 'shared@acme.test'`, [listId]);
      expect(row!.n).toBe(1);
    });

    it('concurrent userName lookups are read together, and each answers exactly as it does alone', async () => {
      const lookup = (name: string, extra = '') => `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(name)}`)}${extra}`;
      const paths = [
        ...Array.from({ length: 30 }, (_, i) => lookup(`batch${i}@acme.test`)),
        lookup('BATCH7@ACME.TEST'),
        lookup('batch7@acme.tes'),
        lookup('nobody@acme.test'),
        lookup('batch3@acme.test', '&attributes=userName'),
        lookup('batch4@acme.test', '&excludedAttributes=name'),
        lookup('batch5@acme.test', '&startIndex=2'),
        lookup('batch6@acme.test', '&count=0'),
      ];
      const alone: Array<{ status: number; body: unknown }> = [];
      for (const p of paths) alone.push(await scim.get(p));
      const statements: Array<{ sql: string; bindings?: unknown[] }> = [];
      const count = (q: { sql: string; bindings?: unknown[] }) => statements.push(q);
      server.app.orm.em.getKnex().on('query', count);
      const together = await Promise.all(paths.map((p) => scim.get(p)));
      server.app.orm.em.getKnex().off('query', count);
      for (const [i, r] of together.entries()) {
        expect(r.status).toBe(200);
        expect(r.body, paths[i]).toEqual(alone[i]!.body);
      }
      expect(together[30]!.body).toMatchObject({ totalResults: 1, Resources: [{ userName: 'batch7@acme.test' }] });
      expect(together[31]!.body).toMatchObject({ totalResults: 0, Resources: [] });
      expect(together[33]!.body).toMatchObject({ totalResults: 1, Resources: [{ id: expect.any(String), userName: 'batch3@acme.test' }] });
      expect(Object.keys((together[33]!.body as { Resources: object[] }).Resources[0]!)).not.toContain('name');
      expect(together[35]!.body).toMatchObject({ totalResults: 1, Resources: [] });
      expect(together[36]!.body).toMatchObject({ totalResults: 1, Resources: [] });
      // Read together: statements that looked up several userNames, fewer than the lookups.
      const reads = statements.filter((q) => /unnest\(\$1::text\[\]\) WITH ORDINALITY AS n\(name, i\)/.test(q.sql));
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.length).toBeLessThan(paths.length - 2);
      expect(Math.max(...reads.map((q) => (q.bindings?.[0] as string[] | undefined)?.length ?? 0))).toBeGreaterThan(1);
    });
  });

  // List pages are written as JSON text straight from PostgreSQL's columns (userJson); a GET of one
  // user, and a page projected by attributes, build objects (userRepresentation). Both must show
  // every user alike, attribute for attribute and in the same order, whatever the resource holds.
  it('shows each user alike in a list page, a projected page and a GET of the user', async () => {
    const c = await connectScimList(owner, 'Renderings', 'USERNAME');
    const scim = new ScimClient(c.baseUrl, c.token);
    const CUSTOM = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const bodies = [
      { schemas: [USER], userName: 'plain@render.test' },
      user('full@render.test', { externalId: 'ext-1', [ENTERPRISE]: { employeeNumber: '42', manager: { value: 'boss' } }, title: 'Engineer' }),
      user('custom@render.test', { [CUSTOM]: { badge: 7, tags: ['a', 'b'] }, nickName: 'Ünïcødé ✓ 😀', locale: 'fr-FR' }),
      { schemas: [USER], userName: 'escapes@render.test', displayName: 'Quote " backslash \\ tab \t newline \n bell \u0007 slash /', nickName: '</script>', userType: null },
      { schemas: [USER], userName: 'numbers@render.test', externalId: '', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'R&D', phoneNumbers: [{ value: '+1 555', type: 'work' }], x509Certificates: [] },
      { schemas: [USER], userName: 'inactive@render.test', active: false, name: { formatted: 'Ada', givenName: 'Ada', familyName: '' } },
    ];
    const ids: string[] = [];
    for (const b of bodies) {
      const r = await scim.post('/Users', b);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id as string);
    }
    // Two groups: the first user in both (ordered by name), the second in one.
    const g1 = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Zeta "team"', members: [{ value: ids[0] }, { value: ids[1] }] });
    const g2 = await scim.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'alpha', members: [{ value: ids[0] }] });
    expect([g1.status, g2.status]).toEqual([201, 201]);

    const page = await scim.get('/Users?count=50');
    const projected = await scim.get('/Users?count=50&excludedAttributes=profileUrl');
    expect(page.status).toBe(200);
    expect(page.body).toEqual(projected.body);
    const resources = page.body.Resources as Array<Record<string, unknown>>;
    expect(resources.map((u) => u.id)).toEqual(ids);
    for (const [i, shown] of resources.entries()) {
      const one = await scim.get(`/Users/${ids[i]}`);
      expect(shown, bodies[i]!.userName).toEqual(one.body);
      expect(JSON.stringify(shown), bodies[i]!.userName).toBe(JSON.stringify(one.body));
    }
    expect((resources[0]!.groups as Array<{ display: string; $ref: string }>).map((g) => g.display)).toEqual(['alpha', 'Zeta "team"']);
    expect((resources[0]!.groups as Array<{ $ref: string }>)[0]!.$ref).toBe(`${c.baseUrl}/Groups/${g2.body.id}`);
    expect(resources[1]!.schemas).toEqual([USER, ENTERPRISE]);
    expect(resources[2]!.schemas).toEqual([USER, CUSTOM]);
    expect(resources[3]!.displayName).toBe(bodies[3]!.displayName);
    expect(resources[5]!.active).toBe(false);
    // Filters and sorting take the same path.
    const sorted = await scim.get('/Users?sortBy=userName&sortOrder=descending&filter=' + encodeURIComponent('userName co "render"'));
    const sortedProjected = await scim.get('/Users?sortBy=userName&sortOrder=descending&excludedAttributes=profileUrl&filter=' + encodeURIComponent('userName co "render"'));
    expect(sorted.body).toEqual(sortedProjected.body);
    expect(sorted.body.totalResults).toBe(bodies.length);
  });

  it('429 with Retry-After when a token exceeds its rate', async () => {
    const limited = await startServer({ ROLLCALL_SCIM_RATE_PER_SECOND: '2' });
    try {
      const o = await setupOwner(limited);
      const c = await connectScimList(o, 'Limited', 'EMAIL');
      const scim = new ScimClient(c.baseUrl, c.token);
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 8; i++) {
        const r = await scim.get('/Users?count=1');
        statuses.push(r.status);
        if (r.status === 429) {
          retryAfter = r.headers.get('retry-after');
          expect(r.body).toMatchObject({ schemas: [ERROR], status: '429' });
        }
      }
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    } finally {
      await limited.stop();
    }
  });
});

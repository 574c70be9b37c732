import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { createSchema, printContract, type ResolverDeps } from '../../api/src/graphql/schema.js';
import { repoRoot } from '../../api/src/config.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { assertNoInternals, type GraphQLErrorShape, type GraphQLTestClient } from '../support/graphql.js';

/** Runs one operation over graphql-ws and gives its last result, or the errors it ended with. */
async function overWebSocket(client: GraphQLTestClient, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: unknown; errors?: GraphQLErrorShape[] }> {
  const ws = client.ws();
  try {
    return await new Promise((resolve, reject) => {
      let last: { data?: unknown; errors?: GraphQLErrorShape[] } = {};
      ws.subscribe(
        { query, variables },
        {
          next: (result) => (last = result as typeof last),
          error: (err) => (Array.isArray(err) ? resolve({ errors: err as GraphQLErrorShape[] }) : reject(err)),
          complete: () => resolve(last),
        },
      );
    });
  } finally {
    await ws.dispose();
  }
}

describe('the GraphQL contract', () => {
  it('describes every type, field, argument and enum value', async () => {
    const schema = await createSchema({} as ResolverDeps);
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Boolean', 'Int', 'Float', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type)) for (const v of type.getValues()) if (!v.description) missing.push(`${type.name}.${v.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('matches the committed schema/schema.graphql', async () => {
    const committed = await readFile(path.join(repoRoot, 'schema', 'schema.graphql'), 'utf8');
    expect(printContract(await createSchema({} as ResolverDeps))).toBe(committed);
  });

  it('keeps the operation names integrators script against', async () => {
    const schema = await createSchema({} as ResolverDeps);
    const q = Object.keys(schema.getQueryType()!.getFields());
    const m = Object.keys(schema.getMutationType()!.getFields());
    expect(q).toEqual(expect.arrayContaining(['masterLists', 'masterList', 'people']));
    expect(m).toEqual(expect.arrayContaining(['login', 'createMasterList', 'createPerson', 'updatePerson', 'deactivatePerson', 'reactivatePerson', 'addField']));
    expect(Object.keys(schema.getSubscriptionType()!.getFields())).toContain('personChanged');
  });
});

describe('HTTP edges, limits and members', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_GRAPHQL_MAX_DEPTH: '5', ROLLCALL_GRAPHQL_MAX_COST: '2000' });
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers health and readiness probes', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'up' });
  });

  it('refuses too deep and too costly operations before running them', async () => {
    const deep = await owner.request(`{ masterLists { fields { id } uidField { id } } people(listId: "x") { edges { node { auditTrail { actor { label } } } } } }`);
    expect(deep.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(deep.errors?.[0]?.message).toMatch(/nested 6 levels deep; the limit is 5/);
    const costly = await owner.request(`{ people(listId: "00000000-0000-4000-8000-000000000000", first: 500) { edges { node { id uid values status createdAt } } } }`);
    expect(costly.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(costly.errors?.[0]?.message).toMatch(/the limit is 2000/);
  });

  it('applies the depth and cost limits over WebSocket too', async () => {
    const deep = await overWebSocket(owner, `{ people(listId: "x") { edges { node { auditTrail { actor { label } } } } } }`);
    expect(deep.errors?.[0]).toMatchObject({ message: expect.stringMatching(/nested 6 levels deep; the limit is 5/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const deepest = await overWebSocket(owner, `subscription { personChanged(listId: "00000000-0000-4000-8000-000000000000") { person { auditTrail { actor { label } } } } }`);
    expect(deepest.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // graphql-ws runs queries as well as subscriptions: the same cost limit as over HTTP.
    const costly = await overWebSocket(owner, `query($n: Int) { people(listId: "00000000-0000-4000-8000-000000000000", first: $n) { edges { node { id uid values status createdAt } } } }`, { n: 500 });
    expect(costly.errors?.[0]).toMatchObject({ message: expect.stringMatching(/the limit is 2000/), extensions: { code: 'QUERY_TOO_COMPLEX' } });
    const cheap = await overWebSocket(owner, `query($n: Int) { masterLists { id } people(listId: "00000000-0000-4000-8000-000000000000", first: $n) { totalCount } }`, { n: 10 });
    expect(cheap.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unparsable = await overWebSocket(owner, `{ masterLists { id `);
    expect(unparsable.errors?.[0]?.message).toMatch(/Syntax Error/);
  });

  it('answers an unexpected failure with a generic error over HTTP and WebSocket, and keeps serving', async () => {
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Fault", uidField: { key: "code", label: "Code", type: TEXT } }) { id } }`,
    );
    // A database rule the service does not know about stands in for any unexpected failure (on
    // audit_entry, which every write touches).
    await server.app.orm.em.getConnection().execute(`ALTER TABLE audit_entry ADD CONSTRAINT test_fault CHECK (changes::text NOT LIKE '%boom%') NOT VALID`);
    try {
      const create = `mutation($l: ID!) { createPerson(listId: $l, values: { code: "boom" }) { id } }`;
      const generic = {
        message: 'Something went wrong on our side. It has been logged; try again, and if it persists tell your administrator.',
        path: ['createPerson'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      };
      const http = await owner.request(create, { l: createMasterList.id });
      expect(http.errors).toEqual([expect.objectContaining(generic)]);
      expect(JSON.stringify(http)).not.toMatch(/test_fault|audit_entry|check constraint|23514/i);
      const ws = await overWebSocket(owner, create, { l: createMasterList.id });
      expect(ws.errors).toEqual([expect.objectContaining(generic)]);
      assertNoInternals(ws.errors);
      expect(JSON.stringify(ws)).not.toMatch(/test_fault|audit_entry|check constraint|23514/i);
      // Nothing was written, and the next request is served as usual.
      const { people } = await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l, status: ALL) { totalCount } }`, { l: createMasterList.id });
      expect(people.totalCount).toBe(0);
      await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { code: "fine" }) { id } }`, { l: createMasterList.id });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.app.orm.em.getConnection().execute(`ALTER TABLE audit_entry DROP CONSTRAINT test_fault`);
    }
  });

  it('refuses a cross-site form post before running it, even with the session cookie', async () => {
    const login = await server.client.request<{ login: { token: string } }>(`mutation { login(email: "ada@acme.test", password: "correct horse battery") { token } }`);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const forged = { query: 'mutation { createApiToken(name: "csrf") { token } }' };
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': contentType, cookie }, body: JSON.stringify(forged) });
      expect(res.status, contentType).toBe(400);
      expect(await res.text()).toMatch(/CSRF/);
    }
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ apiTokens { name } }')}`, { headers: { cookie } });
    expect(get.status).toBe(400);
    const { apiTokens } = await server.client.withHeaders({ cookie }).ok<{ apiTokens: Array<{ name: string }> }>(`{ apiTokens { name } }`);
    expect(apiTokens.map((t) => t.name)).not.toContain('csrf');
  });

  it('rejects cross-site form posts (CSRF prevention)', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ setupStatus { needsSetup } }"}' });
    expect(res.status).toBe(400);
  });

  it('serves the SPA with security headers and history fallback', async () => {
    const res = await fetch(`${server.url}/lists/some-id/schema`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('<div id="app">');
  });

  it('never shows internals in errors', async () => {
    const bodies = [
      await owner.request(`query { person(id: "not-a-uuid") { id } }`),
      await owner.request(`mutation { createPerson(listId: "00000000-0000-4000-8000-000000000000", values: {}) { id } }`),
      await owner.request(`{ people(listId: "00000000-0000-4000-8000-000000000000", sort: { field: "x; DROP TABLE person" }) { totalCount } }`),
      await owner.request(`{ nope }`),
      // A NUL character cannot be stored by PostgreSQL: refused as bad input, inline or in variables.
      await owner.request(`mutation { createMasterList(input: { name: "a\\u0000b", uidField: { key: "x", label: "X", type: TEXT } }) { id } }`),
      await owner.request(`mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "x", label: "X", type: TEXT } }) { id } }`, { n: 'a\u0000b' }),
      // Variables that do not fit their types: the client's mistake (400), not a server failure.
      await owner.request(`query($l: ID!, $s: PersonStatusFilter) { people(listId: $l, status: $s) { totalCount } }`, { l: '00000000-0000-4000-8000-000000000000', s: 'SOMETIMES' }),
      await owner.request(`query($l: ID!, $f: Int) { people(listId: $l, first: $f) { totalCount } }`, { l: '00000000-0000-4000-8000-000000000000', f: 'ten' }),
    ];
    for (const b of bodies) {
      const text = JSON.stringify(b.errors);
      expect(b.errors?.length).toBeGreaterThan(0);
      expect(text).not.toMatch(/SELECT|INSERT|UPDATE |\bat .+\.(ts|js):\d+|stacktrace/i);
    }
    expect(bodies.map((b) => b.errors![0]!.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(bodies.slice(6).map((b) => b.status)).toEqual([400, 400]);
    expect(bodies[6]!.errors![0]!.message).toMatch(/"SOMETIMES" does not exist in "PersonStatusFilter"/);
    expect(bodies[5]!.errors![0]!.message).toMatch(/NUL character/);
  });

  it('manages members: roles, the last owner, duplicates, removal ending sessions', async () => {
    const add = (input: Record<string, string>) => owner.request(`mutation($i: AddMemberInput!) { addMember(input: $i) { id role } }`, { i: input });
    const admin = await add({ email: 'amy@acme.test', name: 'Amy', role: 'ADMIN', password: 'amy password 1' });
    expect(admin.errors).toBeUndefined();
    expect((await add({ email: 'AMY@acme.test', name: 'Amy 2', role: 'VIEWER', password: 'amy password 2' })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await add({ email: 'bad', name: 'X', role: 'VIEWER', password: 'long enough 1' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation { login(email: "amy@acme.test", password: "amy password 1") { token } }`);
    const amy = server.client.as(login.token);
    expect((await amy.request(`mutation { addMember(input: { email: "o2@acme.test", name: "O", role: OWNER, password: "owner password" }) { id } }`)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await amy.ok(`mutation { addMember(input: { email: "vin@acme.test", name: "Vin", role: VIEWER, password: "vin password 1" }) { id } }`);
    const amyId = (admin.data as { addMember: { id: string } }).addMember.id;
    expect(await amy.errorCode(`mutation($id: ID!) { updateMemberRole(id: $id, role: OWNER) { id } }`, { id: amyId })).toBe('FORBIDDEN');
    const { viewer } = await owner.ok<{ viewer: { member: { id: string } } }>(`{ viewer { member { id } } }`);
    expect(await owner.errorCode(`mutation($id: ID!) { updateMemberRole(id: $id, role: ADMIN) { id } }`, { id: viewer.member.id })).toBe('CONFLICT');
    expect(await owner.errorCode(`mutation($id: ID!) { removeMember(id: $id) }`, { id: viewer.member.id })).toBe('CONFLICT');
    await owner.ok(`mutation($id: ID!) { removeMember(id: $id) }`, { id: amyId });
    expect(await amy.errorCode(`{ members { id } }`)).toBe('UNAUTHENTICATED');
    const { members } = await owner.ok<{ members: Array<{ email: string; role: string }> }>(`{ members { email role } }`);
    expect(members.map((m) => `${m.email}:${m.role}`).sort()).toEqual(['ada@acme.test:OWNER', 'vin@acme.test:VIEWER']);
  });
});

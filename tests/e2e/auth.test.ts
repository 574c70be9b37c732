import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecondOrganisation, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token expiresAt viewer { member { email role } organization { name } } } }`;

describe('sign-in, setup and sessions', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('needs setup on a fresh install, then refuses a second setup', async () => {
    const before = await server.client.ok<{ setupStatus: { needsSetup: boolean } }>(`{ setupStatus { needsSetup } }`);
    expect(before.setupStatus.needsSetup).toBe(true);
    owner = await setupOwner(server);
    const after = await server.client.ok<{ setupStatus: { needsSetup: boolean } }>(`{ setupStatus { needsSetup } }`);
    expect(after.setupStatus.needsSetup).toBe(false);
    const again = await server.client.errorCode(
      `mutation { setup(input: { organizationName: "Evil", name: "E", email: "e@evil.test", password: "0123456789abc" }) { token } }`,
    );
    expect(again).toBe('CONFLICT');
  });

  it('signs in with a cookie for browsers and a bearer token for scripts', async () => {
    const res = await server.client.request<{ login: { token: string } }>(LOGIN, { email: 'ADA@acme.test', password: 'correct horse battery' });
    expect(res.errors).toBeUndefined();
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rollcall_session=rcs_/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const viaCookie = await server.client
      .withHeaders({ cookie: cookie.split(';')[0]! })
      .ok<{ viewer: { member: { email: string } } }>(`{ viewer { member { email } } }`);
    expect(viaCookie.viewer.member.email).toBe('ada@acme.test');
    const viaBearer = await server.client.as(res.data!.login.token).ok<{ viewer: { organization: { name: string } } }>(`{ viewer { organization { name } } }`);
    expect(viaBearer.viewer.organization.name).toBe('Acme');
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrong = await server.client.request(LOGIN, { email: 'ada@acme.test', password: 'not the password' });
    const unknown = await server.client.request(LOGIN, { email: 'nobody@acme.test', password: 'not the password' });
    expect(wrong.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0]!.message).toBe(wrong.errors![0]!.message);
    expect(JSON.stringify(wrong.errors)).not.toMatch(/scrypt|stack|SELECT/i);
  });

  it('logout revokes the session immediately', async () => {
    const { login } = await server.client.ok<{ login: { token: string } }>(LOGIN, { email: 'ada@acme.test', password: 'correct horse battery' });
    const session = server.client.as(login.token);
    await session.ok(`mutation { logout }`);
    expect(await session.errorCode(`{ members { id } }`)).toBe('UNAUTHENTICATED');
    const viewer = await session.ok<{ viewer: unknown }>(`{ viewer { member { id } } }`);
    expect(viewer.viewer).toBeNull();
  });

  it('refuses malformed, unknown and tampered tokens', async () => {
    for (const token of ['garbage', 'rcs_00000000000000000000000000000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', `${owner.token!.slice(0, -2)}xx`]) {
      expect(await server.client.as(token).errorCode(`{ masterLists { id } }`)).toBe('UNAUTHENTICATED');
    }
  });

  it('API tokens are shown once, listed by prefix, and revoked with immediate effect', async () => {
    const { createApiToken } = await owner.ok<{ createApiToken: { token: string; apiToken: { id: string; prefix: string } } }>(
      `mutation { createApiToken(name: "payroll export") { token apiToken { id prefix } } }`,
    );
    expect(createApiToken.token.startsWith(createApiToken.apiToken.prefix)).toBe(true);
    const script = server.client.as(createApiToken.token);
    await script.ok(`{ masterLists { id } }`);
    const listed = await owner.ok<{ apiTokens: Array<{ id: string; prefix: string; lastUsedAt: string | null }> }>(
      `{ apiTokens { id prefix lastUsedAt } }`,
    );
    const row = listed.apiTokens.find((t) => t.id === createApiToken.apiToken.id)!;
    expect(row.prefix).toBe(createApiToken.apiToken.prefix);
    expect(JSON.stringify(listed)).not.toContain(createApiToken.token);
    await owner.ok(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: row.id });
    expect(await script.errorCode(`{ masterLists { id } }`)).toBe('UNAUTHENTICATED');
  });

  it('viewers read but cannot change anything', async () => {
    await owner.ok(`mutation { addMember(input: { email: "vic@acme.test", name: "Vic", role: VIEWER, password: "viewer password 1" }) { id } }`);
    const { login } = await server.client.ok<{ login: { token: string } }>(LOGIN, { email: 'vic@acme.test', password: 'viewer password 1' });
    const viewer = server.client.as(login.token);
    await viewer.ok(`{ masterLists { id } members { email } }`);
    expect(
      await viewer.errorCode(`mutation { createMasterList(input: { name: "X", uidField: { key: "id_no", label: "Id", type: TEXT } }) { id } }`),
    ).toBe('FORBIDDEN');
    expect(await viewer.errorCode(`mutation { addMember(input: { email: "x@acme.test", name: "X", role: ADMIN, password: "0123456789ab" }) { id } }`)).toBe(
      'FORBIDDEN',
    );
  });

  it('slows down repeated failed sign-ins from one address', async () => {
    const attempts: number[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      await server.client.request(LOGIN, { email: 'ada@acme.test', password: `wrong ${i}` });
      attempts.push(performance.now() - t0);
    }
    // The first five failures are answered at scrypt speed; later ones wait 250 ms, 500 ms, 1 s.
    expect(attempts[7]!).toBeGreaterThan(attempts[0]! + 700);
  });
});

describe('tenancy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('a caller can never read or change another organisation', async () => {
    const acme = await setupOwner(server);
    const { createMasterList } = await acme.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    );
    const { createPerson } = await acme.ok<{ createPerson: { id: string } }>(
      `mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E1" }) { id } }`,
      { l: createMasterList.id },
    );
    // A second organisation, created the way an operator would: directly in the database.
    const other = await createSecondOrganisation(server);
    expect((await other.ok<{ masterLists: unknown[] }>(`{ masterLists { id } }`)).masterLists).toEqual([]);
    const l = { l: createMasterList.id };
    const p = { p: createPerson.id };
    expect(await other.errorCode(`query($l: ID!) { masterList(id: $l) { id } }`, l)).toBe('NOT_FOUND');
    expect(await other.errorCode(`query($l: ID!) { people(listId: $l) { totalCount } }`, l)).toBe('NOT_FOUND');
    expect(await other.errorCode(`query($p: ID!) { person(id: $p) { id } }`, p)).toBe('NOT_FOUND');
    expect(await other.errorCode(`mutation($p: ID!) { updatePerson(id: $p, values: { employee_id: "X" }) { id } }`, p)).toBe('NOT_FOUND');
    expect(await other.errorCode(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, p)).toBe('NOT_FOUND');
    expect(await other.errorCode(`mutation($l: ID!) { addField(listId: $l, input: { key: "x", label: "X", type: TEXT }) { id } }`, l)).toBe('NOT_FOUND');
    expect(await other.errorCode(`query($l: ID!) { auditTrail(listId: $l) { edges { id } } }`, l)).toBe('NOT_FOUND');
    const still = await acme.ok<{ person: { uid: string; status: string } }>(`query($p: ID!) { person(id: $p) { uid status } }`, p);
    expect(still.person).toEqual({ uid: 'E1', status: 'ACTIVE' });
  });
});

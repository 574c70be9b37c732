import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, createSecondOrganisation, setupOwner, signIn, startServer, type TestServer } from '../support/server.js';
import type { GraphQLResponse, GraphQLTestClient } from '../support/graphql.js';

const ADD = `mutation($i: AddMemberInput!) { addMember(input: $i) { id email name role lastSignInAt } }`;
const ROLE = `mutation($id: ID!, $role: Role!) { updateMemberRole(id: $id, role: $role) { id role } }`;
const REMOVE = `mutation($id: ID!) { removeMember(id: $id) }`;

describe('members and roles', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let ownerId: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    ownerId = (await owner.ok<{ viewer: { member: { id: string } } }>(`{ viewer { member { id } } }`)).viewer.member.id;
  });
  afterAll(async () => {
    await server.stop();
  });

  const errorOf = (res: GraphQLResponse<unknown>) => {
    expect(res.errors, JSON.stringify(res.data)).toBeDefined();
    return { message: res.errors![0]!.message, ...res.errors![0]!.extensions };
  };
  const members = async () =>
    (await owner.ok<{ members: Array<{ email: string; role: string }> }>(`{ members { email role } }`)).members.map((m) => `${m.email}:${m.role}`).sort();
  const input = (email: string, role: string) => ({ i: { email, name: email.split('@')[0], role, password: 'a long password' } });

  it('lets admins add admins and viewers, only owners add owners, and viewers nobody', async () => {
    const { client: admin } = await addMember(server, owner, { email: 'amy@acme.test', role: 'ADMIN' });
    const added = await admin.request<{ addMember: { email: string; role: string; lastSignInAt: string | null } }>(ADD, input(' Ann@ACME.test ', 'ADMIN'));
    expect(added.data?.addMember).toMatchObject({ email: 'ann@acme.test', role: 'ADMIN', lastSignInAt: null });
    expect((await admin.request(ADD, input('val@acme.test', 'VIEWER'))).errors).toBeUndefined();
    expect(errorOf(await admin.request(ADD, input('otto@acme.test', 'OWNER')))).toMatchObject({ code: 'FORBIDDEN', message: 'Only an owner of this organisation can do this.' });
    const viewer = await signIn(server, 'val@acme.test', 'a long password');
    expect(errorOf(await viewer.request(ADD, input('vince@acme.test', 'VIEWER')))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await owner.request(ADD, input('olga@acme.test', 'OWNER'))).errors).toBeUndefined();
    expect(await members()).toEqual(['ada@acme.test:OWNER', 'amy@acme.test:ADMIN', 'ann@acme.test:ADMIN', 'olga@acme.test:OWNER', 'val@acme.test:VIEWER']);
  });

  it('refuses an email already in use (in any case, in any organisation) and bad input', async () => {
    expect(errorOf(await owner.request(ADD, input('AMY@acme.test', 'VIEWER')))).toMatchObject({ code: 'CONFLICT', field: 'email', message: 'An administrator with the email amy@acme.test already exists.' });
    const globex = await createSecondOrganisation(server);
    expect(errorOf(await globex.request(ADD, input('amy@acme.test', 'VIEWER')))).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(errorOf(await owner.request(ADD, input('not-an-email', 'VIEWER')))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    expect(errorOf(await owner.request(ADD, { i: { email: 'p@acme.test', name: 'P', role: 'VIEWER', password: 'short' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(errorOf(await owner.request(ADD, { i: { email: 'p@acme.test', name: '  ', role: 'VIEWER', password: 'a long password' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    // Each organisation sees only its own members.
    expect((await globex.ok<{ members: Array<{ email: string }> }>(`{ members { email } }`)).members.map((m) => m.email)).toEqual(['hank@globex.test']);
    expect(await members()).not.toContain('hank@globex.test:OWNER');
  });

  it('lets only owners change roles, with effect on the next request', async () => {
    const { id, client: ben } = await addMember(server, owner, { email: 'ben@acme.test', role: 'ADMIN' });
    const amy = await signIn(server, 'amy@acme.test', 'amy@acme.test password');
    expect(errorOf(await amy.request(ROLE, { id, role: 'VIEWER' }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await ben.request(ROLE, { id, role: 'OWNER' }))).toMatchObject({ code: 'FORBIDDEN' });
    await ben.ok(`mutation { createMasterList(input: { name: "Ben's list", uidField: { key: "k", label: "K", type: TEXT } }) { id } }`);
    expect((await owner.ok<{ updateMemberRole: { role: string } }>(ROLE, { id, role: 'VIEWER' })).updateMemberRole.role).toBe('VIEWER');
    // Ben's existing session now acts as a viewer.
    expect(errorOf(await ben.request(`mutation { createMasterList(input: { name: "Ben's second", uidField: { key: "k", label: "K", type: TEXT } }) { id } }`))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await ben.ok<{ viewer: { member: { role: string } } }>(`{ viewer { member { role } } }`)).viewer.member.role).toBe('VIEWER');
    expect(errorOf(await owner.request(ROLE, { id: '00000000-0000-4000-8000-000000000000', role: 'ADMIN' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('always keeps an owner', async () => {
    const olga = await signIn(server, 'olga@acme.test', 'a long password');
    const olgaId = (await olga.ok<{ viewer: { member: { id: string } } }>(`{ viewer { member { id } } }`)).viewer.member.id;
    // Two owners: one may step down...
    expect((await olga.ok<{ updateMemberRole: { role: string } }>(ROLE, { id: olgaId, role: 'ADMIN' })).updateMemberRole.role).toBe('ADMIN');
    // ...and is now an admin, who cannot change roles.
    expect(errorOf(await olga.request(ROLE, { id: olgaId, role: 'OWNER' }))).toMatchObject({ code: 'FORBIDDEN' });
    // The last owner can be neither demoted nor removed.
    for (const role of ['ADMIN', 'VIEWER']) {
      expect(errorOf(await owner.request(ROLE, { id: ownerId, role }))).toMatchObject({ code: 'CONFLICT', message: 'An organisation needs at least one owner: make someone else an owner first.' });
    }
    expect(errorOf(await owner.request(REMOVE, { id: ownerId }))).toMatchObject({ code: 'CONFLICT' });
    // Setting an owner's role to OWNER is no change, and allowed.
    expect((await owner.ok<{ updateMemberRole: { role: string } }>(ROLE, { id: ownerId, role: 'OWNER' })).updateMemberRole.role).toBe('OWNER');
    // With a second owner again, the first may leave.
    await owner.ok(ROLE, { id: olgaId, role: 'OWNER' });
    expect(await owner.ok(REMOVE, { id: olgaId })).toEqual({ removeMember: true });
    expect(await members()).not.toContain('olga@acme.test:OWNER');
  });

  it("ends a removed member's sessions and API tokens at once, and only owners remove", async () => {
    const { id, client: cat } = await addMember(server, owner, { email: 'cat@acme.test', role: 'ADMIN' });
    const second = await signIn(server, 'cat@acme.test', 'cat@acme.test password');
    const { createApiToken } = await cat.ok<{ createApiToken: { token: string } }>(`mutation { createApiToken(name: "cat's script") { token } }`);
    const script = server.client.as(createApiToken.token);
    await script.ok(`{ masterLists { id } }`);
    const amy = await signIn(server, 'amy@acme.test', 'amy@acme.test password');
    expect(errorOf(await amy.request(REMOVE, { id }))).toMatchObject({ code: 'FORBIDDEN' });
    await cat.ok(`{ masterLists { id } }`);

    await owner.ok(REMOVE, { id });
    for (const client of [cat, second, script]) {
      expect(errorOf(await client.request(`{ masterLists { id } }`))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await client.ok<{ viewer: unknown }>(`{ viewer { member { id } } }`)).viewer).toBeNull();
    }
    expect(errorOf(await server.client.request(`mutation { login(email: "cat@acme.test", password: "cat@acme.test password") { token } }`))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await members()).not.toContain('cat@acme.test:ADMIN');
    const tokens = await owner.ok<{ apiTokens: Array<{ name: string }> }>(`{ apiTokens { name } }`);
    expect(tokens.apiTokens.map((t) => t.name)).not.toContain("cat's script");
    expect(errorOf(await owner.request(REMOVE, { id }))).toMatchObject({ code: 'NOT_FOUND' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLResponse, GraphQLTestClient } from '../support/graphql.js';

interface Entry {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  listId: string | null;
  personId: string | null;
  at: string;
  actor: { type: string; id: string | null; label: string };
  changes: Array<{ field: string; before: unknown; after: unknown }>;
}
interface Trail {
  auditTrail: { edges: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

const ENTRY = 'id action entityType entityId listId personId at actor { type id label } changes { field before after }';
const TRAIL = `query($l: ID!, $p: ID, $first: Int, $after: String) { auditTrail(listId: $l, personId: $p, first: $first, after: $after) { edges { ${ENTRY} } pageInfo { hasNextPage endCursor } } }`;

describe('the audit trail', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let admin: GraphQLTestClient;
  let script: GraphQLTestClient;
  let tokenId: string;
  let ownerId: string;
  let adminId: string;
  let listId: string;
  let otherListId: string;
  let ada: string;
  let bob: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    ownerId = (await owner.ok<{ viewer: { member: { id: string } } }>(`{ viewer { member { id } } }`)).viewer.member.id;
    ({ id: adminId, client: admin } = await addMember(server, owner, { email: 'adam@acme.test', role: 'ADMIN' }));
    const { createApiToken } = await admin.ok<{ createApiToken: { token: string; apiToken: { id: string } } }>(`mutation { createApiToken(name: "HR export") { token apiToken { id } } }`);
    script = server.client.as(createApiToken.token);
    tokenId = createApiToken.apiToken.id;

    // A known history, made by three actors.
    listId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    otherListId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Other", uidField: { key: "code", label: "Code", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    const team = await admin.ok<{ addField: { id: string } }>(`mutation($l: ID!) { addField(listId: $l, input: { key: "team", label: "Team", type: TEXT }) { id } }`, { l: listId });
    await admin.ok(`mutation($f: ID!) { updateField(id: $f, input: { label: "Squad" }) { id } }`, { f: team.addField.id });
    ada = (await script.ok<{ createPerson: { id: string } }>(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E1", team: "Red" }) { id } }`, { l: listId })).createPerson.id;
    bob = (await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E2", team: "Blue" }) { id } }`, { l: listId })).createPerson.id;
    await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { code: "X1" }) { id } }`, { l: otherListId });
    await script.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { team: "Green" }) { id } }`, { p: ada });
    await admin.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: ada });
    await owner.ok(`mutation($p: ID!) { reactivatePerson(id: $p) { id } }`, { p: ada });
    await owner.ok(`mutation($l: ID!) { renameMasterList(id: $l, name: "Staff 2026") { id } }`, { l: listId });
    await owner.ok(`mutation { addMember(input: { email: "vic@acme.test", name: "Vic", role: VIEWER, password: "viewer password 1" }) { id } }`);
  });
  afterAll(async () => {
    await server.stop();
  });

  const trail = async (vars: { l?: string; p?: string; first?: number; after?: string | null }) => (await owner.ok<Trail>(TRAIL, { l: listId, ...vars })).auditTrail;
  const errorOf = (res: GraphQLResponse<unknown>) => {
    expect(res.errors, JSON.stringify(res.data)).toBeDefined();
    return { message: res.errors![0]!.message, ...res.errors![0]!.extensions };
  };

  it("records every change to a list and its people, newest first, with who made it", async () => {
    const { edges, pageInfo } = await trail({ first: 500 });
    expect(pageInfo.hasNextPage).toBe(false);
    const owner_ = { type: 'MEMBER', id: ownerId, label: 'ada@acme.test' };
    const admin_ = { type: 'MEMBER', id: adminId, label: 'adam@acme.test' };
    const token_ = { type: 'API_TOKEN', id: tokenId, label: 'adam@acme.test (token "HR export")' };
    expect(edges.map((e) => [e.action, e.entityType, e.actor])).toEqual([
      ['master_list.renamed', 'master_list', owner_],
      ['person.reactivated', 'person', owner_],
      ['person.deactivated', 'person', admin_],
      ['person.updated', 'person', token_],
      ['person.created', 'person', owner_],
      ['person.created', 'person', token_],
      ['field.updated', 'field', admin_],
      ['field.added', 'field', admin_],
      ['master_list.created', 'master_list', owner_],
    ]);
    expect(edges.every((e) => e.listId === listId)).toBe(true);
    expect(edges.map((e) => e.personId)).toEqual([null, ada, ada, ada, bob, ada, null, null, null]);
    expect(edges.find((e) => e.action === 'person.updated')!.changes).toEqual([{ field: 'team', before: 'Red', after: 'Green' }]);
    expect(edges.find((e) => e.action === 'person.deactivated')!.changes).toEqual([{ field: 'status', before: 'ACTIVE', after: 'INACTIVE' }]);
    expect(edges.find((e) => e.action === 'field.updated')!.changes).toEqual([{ field: 'team.label', before: 'Team', after: 'Squad' }]);
    expect(edges.find((e) => e.action === 'master_list.renamed')!.changes).toEqual([{ field: 'name', before: 'Staff', after: 'Staff 2026' }]);
    expect(edges.filter((e) => e.action === 'person.created').map((e) => e.changes)).toEqual([
      [
        { field: 'employee_id', before: null, after: 'E2' },
        { field: 'team', before: null, after: 'Blue' },
      ],
      [
        { field: 'employee_id', before: null, after: 'E1' },
        { field: 'team', before: null, after: 'Red' },
      ],
    ]);
    const times = edges.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
  });

  it("keeps each list's trail to itself, and organisation changes out of lists", async () => {
    const other = await trail({ l: otherListId, first: 500 });
    expect(other.edges.map((e) => e.action)).toEqual(['person.created', 'master_list.created']);
    const mine = await trail({ first: 500 });
    expect(mine.edges.some((e) => e.action.startsWith('member.') || e.action.startsWith('api_token.'))).toBe(false);
  });

  it("gives one person's changes, the same through the list and through the person", async () => {
    const viaList = await trail({ p: ada, first: 500 });
    expect(viaList.edges.map((e) => e.action)).toEqual(['person.reactivated', 'person.deactivated', 'person.updated', 'person.created']);
    expect(viaList.edges.every((e) => e.personId === ada && e.entityId === ada)).toBe(true);
    const { person } = await owner.ok<{ person: { auditTrail: Entry[] } }>(`query($p: ID!) { person(id: $p) { auditTrail { ${ENTRY} } } }`, { p: ada });
    expect(person.auditTrail).toEqual(viaList.edges);
    const { person: firstTwo } = await owner.ok<{ person: { auditTrail: Entry[] } }>(`query($p: ID!) { person(id: $p) { auditTrail(first: 2) { id } } }`, { p: ada });
    expect(firstTwo.auditTrail.map((e) => e.id)).toEqual(viaList.edges.slice(0, 2).map((e) => e.id));
    expect((await trail({ p: bob })).edges.map((e) => e.action)).toEqual(['person.created']);
    // A person of another list has nothing in this list's trail.
    const x1 = (await trail({ l: otherListId })).edges[0]!.personId!;
    expect((await trail({ p: x1 })).edges).toEqual([]);
  });

  it.each([1, 2, 4])('pages with after, %i at a time, through every entry once', async (first) => {
    const all = (await trail({ first: 500 })).edges.map((e) => e.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 50; n++) {
      const page: Trail['auditTrail'] = await trail({ first, after });
      seen.push(...page.edges.map((e) => e.id));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(first);
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('refuses cursors and page sizes it did not issue', async () => {
    for (const after of ['not-a-cursor', '-1', '1.5', '99999999999999999999999']) {
      expect(errorOf(await owner.request(TRAIL, { l: listId, after })), after).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    for (const first of [0, -1]) expect(errorOf(await owner.request(TRAIL, { l: listId, first }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // More than 500 is clamped (not refused); the cost limit charges what is asked for, so 600.
    expect((await trail({ first: 600 })).edges.length).toBe(9);
    expect(errorOf(await owner.request(TRAIL, { l: '00000000-0000-4000-8000-000000000000' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await owner.request(TRAIL, { l: listId, p: 'nobody' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is readable by viewers, who cannot change anything', async () => {
    const { client: viewer } = await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER' });
    const theirs = (await viewer.ok<Trail>(TRAIL, { l: listId, first: 500 })).auditTrail.edges;
    expect(theirs).toEqual((await trail({ first: 500 })).edges);
  });

  describe('erasing a person', () => {
    let carol: string;
    let dave: string;

    beforeAll(async () => {
      carol = (await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E3", team: "Carol's team" }) { id } }`, { l: listId })).createPerson.id;
      dave = (await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "E4", team: "Dave's team" }) { id } }`, { l: listId })).createPerson.id;
      await owner.ok(`mutation($p: ID!) { updatePerson(id: $p, values: { team: "Carol's new team" }) { id } }`, { p: carol });
      await owner.ok(`mutation($p: ID!) { deactivatePerson(id: $p) { id } }`, { p: carol });
    });

    it('is for owners only', async () => {
      expect(errorOf(await admin.request(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: carol }))).toMatchObject({ code: 'FORBIDDEN', message: 'Only an owner of this organisation can do this.' });
      expect(errorOf(await script.request(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: carol }))).toMatchObject({ code: 'FORBIDDEN' });
      const still = await owner.ok<{ person: { uid: string } }>(`query($p: ID!) { person(id: $p) { uid } }`, { p: carol });
      expect(still.person.uid).toBe('E3');
      expect((await trail({ p: carol })).edges[0]!.changes).toEqual([{ field: 'status', before: 'ACTIVE', after: 'INACTIVE' }]);
    });

    it("removes the person, scrubs the values from their history, and records the erase", async () => {
      const before = await trail({ p: carol, first: 500 });
      expect(await owner.ok(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: carol })).toEqual({ erasePerson: true });
      expect(errorOf(await owner.request(`query($p: ID!) { person(id: $p) { id } }`, { p: carol }))).toMatchObject({ code: 'NOT_FOUND' });
      const { people } = await owner.ok<{ people: { totalCount: number; edges: Array<{ node: { uid: string } }> } }>(
        `query($l: ID!) { people(listId: $l, status: ALL, search: "carol") { totalCount edges { node { uid } } } }`,
        { l: listId },
      );
      expect(people.totalCount).toBe(0);

      const after = await trail({ p: carol, first: 500 });
      const [erased, ...history] = after.edges;
      expect(erased).toMatchObject({ action: 'person.erased', entityType: 'person', entityId: carol, personId: carol, changes: [], actor: { type: 'MEMBER', label: 'ada@acme.test' } });
      // The history keeps who changed which field and when, without the values.
      expect(history.map((e) => ({ ...e, changes: e.changes.map((c) => c.field) }))).toEqual(before.edges.map((e) => ({ ...e, changes: e.changes.map((c) => c.field) })));
      expect(history.flatMap((e) => e.changes).every((c) => c.before === null && c.after === null)).toBe(true);
      expect(JSON.stringify(after)).not.toContain('Carol');
      expect(JSON.stringify(after)).not.toContain('E3');
      // Nobody else's history loses anything.
      expect((await trail({ p: dave })).edges[0]!.changes).toEqual([
        { field: 'employee_id', before: null, after: 'E4' },
        { field: 'team', before: null, after: "Dave's team" },
      ]);
      expect((await trail({ p: ada, first: 500 })).edges.find((e) => e.action === 'person.updated')!.changes).toEqual([{ field: 'team', before: 'Red', after: 'Green' }]);
      // The list's trail shows the erase too; erasing again finds nobody.
      expect((await trail({ first: 1 })).edges[0]!.action).toBe('person.erased');
      expect(errorOf(await owner.request(`mutation($p: ID!) { erasePerson(id: $p) }`, { p: carol }))).toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});

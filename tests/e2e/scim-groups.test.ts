import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { ScimClient, connectScimList } from '../support/scim.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTRA = { 'user-agent': 'Microsoft Azure Active Directory SCIM Client' };
const OKTA = { 'user-agent': 'Okta SCIM Client 1.0.0' };

type Person = { uid: string; status: string; values: Record<string, unknown> };

describe('SCIM /Groups through HTTP and PostgreSQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let scim: ScimClient;
  let listId: string;
  const ids: Record<string, string> = {};
  const people = async () =>
    Object.fromEntries(
      (await owner.ok<{ people: { edges: Array<{ node: Person }> } }>(`query($l: ID!) { people(listId: $l, status: ALL, first: 500) { edges { node { uid status values } } } }`, { l: listId })).people.edges.map((e) => [e.node.uid, e.node]),
    );
  const groupsOf = async () => Object.fromEntries(Object.entries(await people()).map(([uid, p]) => [uid, p.values.groups ?? null]));

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_SCIM_RATE_PER_SECOND: '100000' });
    owner = await setupOwner(server);
    const c = await connectScimList(owner, 'Groups', 'USERNAME');
    listId = c.listId;
    scim = new ScimClient(c.baseUrl, c.token);
    for (const name of ['ann', 'bob', 'cat']) {
      const r = await scim.post('/Users', { schemas: [USER], userName: name, name: { givenName: name }, displayName: name.toUpperCase(), active: true });
      expect(r.status).toBe(201);
      ids[name] = r.body.id;
    }
  });
  afterAll(async () => {
    await server.stop();
  });

  it('Entra: create, read without members, find by displayName, add and remove members, rename, membership query', async () => {
    // learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups, "Group Operations".
    const created = await scim.post('/Groups', { schemas: [GROUP], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName', meta: { resourceType: 'Group' } }, ENTRA);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schemas: [GROUP], displayName: 'displayName', externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', members: [], meta: { resourceType: 'Group' } });
    const gid = created.body.id;
    const read = await scim.get(`/Groups/${gid}?excludedAttributes=members`, ENTRA);
    expect(read.body.members).toBeUndefined();
    const found = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "DISPLAYNAME"')}`, ENTRA);
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: gid }] });
    const add = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: ids.ann }, { $ref: null, value: ids.bob }] }] }, ENTRA);
    expect(add.status).toBe(200);
    expect(add.body.members.map((m: { value: string }) => m.value).sort()).toEqual([ids.ann, ids.bob].sort());
    expect(await groupsOf()).toEqual({ ann: 'displayName', bob: 'displayName', cat: null });
    const member = await scim.get(`/Groups?excludedAttributes=members&filter=${encodeURIComponent(`id eq "${gid}" and members[value eq "${ids.ann}"]`)}`, ENTRA);
    expect(member.body.totalResults).toBe(1);
    const remove = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: ids.ann }] }] }, ENTRA);
    expect(remove.status).toBe(200);
    expect((await scim.get(`/Groups?filter=${encodeURIComponent(`id eq "${gid}" and members[value eq "${ids.ann}"]`)}`)).body.totalResults).toBe(0);
    const rename = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'Replace', path: 'displayName', value: 'Engineering' }] }, ENTRA);
    expect(rename.body.displayName).toBe('Engineering');
    expect(await groupsOf()).toEqual({ ann: null, bob: 'Engineering', cat: null });
    const user = await scim.get(`/Users/${ids.bob}`);
    expect(user.body.groups).toEqual([{ value: gid, display: 'Engineering', $ref: `${scim.baseUrl}/Groups/${gid}` }]);
    ids.engineering = gid;
  });

  it('Okta: create with members, PUT with members, remove by value filter, path-less rename, delete keeps people active', async () => {
    // developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20, "Create Groups", "Update a specific Group", "Update specific Group membership".
    const created = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Staff', members: [{ value: ids.ann, display: 'ann' }, { value: ids.cat, display: 'cat' }] }, OKTA);
    expect(created.status).toBe(201);
    const gid = created.body.id;
    expect(await groupsOf()).toEqual({ ann: 'Staff', bob: 'Engineering', cat: 'Staff' });
    const put = await scim.put(`/Groups/${gid}`, { schemas: [GROUP], id: gid, displayName: 'Staff', members: [{ value: ids.bob }, { value: ids.cat }] }, OKTA);
    expect(put.status).toBe(200);
    expect(await groupsOf()).toEqual({ ann: null, bob: 'Engineering, Staff', cat: 'Staff' });
    const removed = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'remove', path: `members[value eq "${ids.cat}"]` }] }, OKTA);
    expect(removed.status).toBe(200);
    const renamed = await scim.patch(`/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: 'replace', value: { id: gid, displayName: 'All staff' } }] }, OKTA);
    expect(renamed.body).toMatchObject({ displayName: 'All staff', members: [{ value: ids.bob }] });
    expect(await groupsOf()).toEqual({ ann: null, bob: 'All staff, Engineering', cat: null });
    const listed = await scim.get(`/Groups?filter=${encodeURIComponent('displayName sw "all"')}`, OKTA);
    expect(listed.body.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(['All staff']);
    expect((await scim.delete(`/Groups/${gid}`, OKTA)).status).toBe(204);
    expect((await scim.get(`/Groups/${gid}`)).status).toBe(404);
    const after = await people();
    expect(Object.values(after).every((p) => p.status === 'ACTIVE')).toBe(true);
    expect(await groupsOf()).toEqual({ ann: null, bob: 'Engineering', cat: null });
  });

  it('membership is a locked list field that drives list filters; user PUTs keep it', async () => {
    const { masterList } = await owner.ok<{ masterList: { fields: Array<{ key: string; locked: boolean }> } }>(`query($l: ID!) { masterList(id: $l) { fields { key locked } } }`, { l: listId });
    expect(masterList.fields.find((f) => f.key === 'groups')).toEqual({ key: 'groups', locked: true });
    await scim.put(`/Users/${ids.bob}`, { schemas: [USER], userName: 'bob', name: { givenName: 'Robert' }, active: true });
    expect((await groupsOf()).bob).toBe('Engineering');
    const { people: filtered } = await owner.ok<{ people: { edges: Array<{ node: { uid: string } }> } }>(
      `query($l: ID!) { people(listId: $l, filters: [{ field: "groups", operator: CONTAINS, value: "engineering" }]) { edges { node { uid } } } }`,
      { l: listId },
    );
    expect(filtered.edges.map((e) => e.node.uid)).toEqual(['bob']);
    // Sortable like every field: the first sort by it builds its index in the background.
    const { people: sorted } = await owner.ok<{ people: { edges: Array<{ node: { uid: string } }> } }>(
      `query($l: ID!) { people(listId: $l, sort: { field: "groups", direction: DESC }) { edges { node { uid } } } }`,
      { l: listId },
    );
    expect(sorted.edges[0]!.node.uid).toBe('bob');
    const db = server.app.orm.em.getConnection();
    await expect
      .poll(async () => (await db.execute<Array<{ valid: boolean }>>(`SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = 'person_sort_groups'`))[0]?.valid ?? false, { timeout: 10_000, interval: 100 })
      .toBe(true);
  });

  it('refuses unknown members, duplicate names and groups of another list', async () => {
    const unknown = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: 'no-such-user' }] });
    expect(unknown).toMatchObject({ status: 400, body: { scimType: 'invalidValue' } });
    const dup = await scim.post('/Groups', { schemas: [GROUP], displayName: 'ENGINEERING' });
    expect(dup).toMatchObject({ status: 409, body: { scimType: 'uniqueness' } });
    const other = await connectScimList(owner, 'Other', 'USERNAME');
    expect((await new ScimClient(other.baseUrl, other.token).get(`/Groups/${ids.engineering}`)).status).toBe(404);
    expect((await scim.post('/Groups', { schemas: [GROUP] })).body.scimType).toBe('invalidValue');
    expect((await scim.patch(`/Groups/${ids.engineering}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'owner', value: 'x' }] })).body.scimType).toBe('invalidPath');
  });

  it('answers a PATCH of a group of more than 1,000 members with 204 (no members sent back), and with the resource when attributes are asked for', async () => {
    // RFC 7644 §3.5.2 allows 200 with the resource or 204; Entra and Okta accept either.
    const big = await scim.post('/Groups', { schemas: [GROUP], displayName: 'Everyone' });
    const db = server.app.orm.em.getConnection();
    // 1,001 members, seeded set-based (the users exist only as rows: the group holds them).
    await db.execute(
      `WITH p AS (
         INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor)
         SELECT gen_random_uuid(), l.organization_id, l.id, 'bulk' || i, jsonb_build_object('username', 'bulk' || i), 'scim', 'bulk-' || i
           FROM master_list l, generate_series(1, 1001) i WHERE l.id = ?
         RETURNING id, organization_id, list_id, uid, source_anchor
       ), u AS (
         INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, resource)
         SELECT id, organization_id, list_id, source_anchor, uid, jsonb_build_object('userName', uid) FROM p RETURNING person_id
       )
       INSERT INTO scim_group_member (group_id, person_id) SELECT ?, person_id FROM u`,
      [listId, big.body.id],
    );
    const add = await scim.patch(`/Groups/${big.body.id}`, { schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: [{ value: ids.ann }] }] }, ENTRA);
    expect(add.status).toBe(204);
    expect(add.headers.get('etag')).toMatch(/^W\/"/);
    expect((await groupsOf()).ann).toContain('Everyone');
    const asked = await scim.patch(`/Groups/${big.body.id}?attributes=displayName`, { schemas: [PATCH], Operations: [{ op: 'Remove', path: 'members', value: [{ value: ids.ann }] }] }, ENTRA);
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ id: big.body.id, displayName: 'Everyone' });
    expect(asked.body.members).toBeUndefined();
    expect(String((await groupsOf()).ann ?? '')).not.toContain('Everyone');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupOwner, startServer, addMember, createSecondOrganisation, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

const LIST = `query($l: ID!) { masterList(id: $l) { syncProvider fields { key label type locked } } }`;
const CONNECTION = `query($l: ID!) { scimConnection(listId: $l) { connected uniqueIdentifier baseUrl mappings { sourceAttribute transform field { key } } } }`;

describe('SCIM connection and tokens over GraphQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  const newList = async (name: string) =>
    (await owner.ok<{ createMasterList: { id: string } }>(`mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`, { n: name })).createMasterList.id;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('connectScim creates the 9 default fields and mappings, makes the chosen one the UID and locks them', async () => {
    const listId = await newList('Staff');
    const { connectScim } = await owner.ok<{ connectScim: { mappings: Array<{ sourceAttribute: string; field: { key: string } }> } & Record<string, unknown> }>(
      `mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: EMPLOYEE_NUMBER) { connected uniqueIdentifier baseUrl mappings { sourceAttribute field { key } } } }`,
      { l: listId },
    );
    expect(connectScim).toMatchObject({ connected: true, uniqueIdentifier: 'EMPLOYEE_NUMBER', baseUrl: `${server.url}/scim/v2/lists/${listId}` });
    expect(Object.fromEntries(connectScim.mappings.map((m) => [m.field.key, m.sourceAttribute]))).toEqual({
      first_name: 'name.givenName',
      last_name: 'name.familyName',
      email: 'emails[type eq "work"].value',
      display_name: 'displayName',
      employee_number: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      primary_email: 'emails[primary eq true].value',
      phone: 'phoneNumbers[type eq "work"].value',
      job_title: 'title',
      department: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
    });
    const { masterList } = await owner.ok<{ masterList: { syncProvider: string; fields: Array<{ key: string; locked: boolean; type: string }> } }>(LIST, { l: listId });
    expect(masterList.syncProvider).toBe('scim');
    expect(masterList.fields.map((f) => [f.key, f.locked])).toEqual([
      ['badge', false],
      ['first_name', true],
      ['last_name', true],
      ['email', true],
      ['display_name', true],
      ['employee_number', true],
      ['primary_email', true],
      ['phone', true],
      ['job_title', true],
      ['department', true],
    ]);
    const { masterList: withUid } = await owner.ok<{ masterList: { uidField: { key: string } } }>(`query($l: ID!) { masterList(id: $l) { uidField { key } } }`, { l: listId });
    expect(withUid.uidField.key).toBe('employee_number');
    // No sort index is built for the new fields: one is built when someone first sorts by a field.
    const names = `{${masterList.fields.map((f) => `person_sort_${f.key}`).join(',')}}`;
    const [row] = await server.app.orm.em.getConnection().execute<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pg_class WHERE relname = ANY(?::text[])`, [names]);
    expect(row!.n).toBe(0);
  });

  it('USERNAME adds a Username field mapped from userName; connecting again keeps edited mappings', async () => {
    const listId = await newList('By username');
    await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: USERNAME) { connected } }`, { l: listId });
    await owner.ok(
      `mutation($l: ID!) { setScimMappings(listId: $l, mappings: [{ sourceAttribute: "userName", fieldKey: "username", transform: LOWERCASE }, { sourceAttribute: "nickName", fieldKey: "first_name" }]) { connected } }`,
      { l: listId },
    );
    await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: USERNAME) { connected } }`, { l: listId });
    const { scimConnection } = await owner.ok<{ scimConnection: { mappings: Array<{ sourceAttribute: string; transform: string; field: { key: string } }> } }>(CONNECTION, { l: listId });
    const byKey = Object.fromEntries(scimConnection.mappings.map((m) => [m.field.key, `${m.sourceAttribute}/${m.transform}`]));
    expect(byKey.username).toBe('userName/LOWERCASE');
    expect(byKey.first_name).toBe('nickName/DIRECT');
    expect(byKey.last_name).toBe('name.familyName/DIRECT');
  });

  it('setScimMappings keeps the UID mapped and names unknown attributes', async () => {
    const listId = await newList('Mapping rules');
    await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: EMAIL) { connected } }`, { l: listId });
    const res = await owner.request(`mutation($l: ID!) { setScimMappings(listId: $l, mappings: [{ sourceAttribute: "title", fieldKey: "job_title" }]) { connected } }`, { l: listId });
    expect(res.errors![0]!.message).toContain('"primary_email" is the list\'s UID');
    const bad = await owner.request(`mutation($l: ID!) { setScimMappings(listId: $l, mappings: [{ sourceAttribute: "shoeSize", fieldKey: "primary_email" }]) { connected } }`, { l: listId });
    expect(bad.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.message).toContain('"shoeSize" is not a SCIM user attribute');
  });

  it('refuses when another provider syncs the list, with the reason', async () => {
    const listId = await newList('Entra synced');
    await server.app.orm.em.getConnection().execute(`UPDATE master_list SET sync_provider = 'entra' WHERE id = ?`, [listId]);
    const res = await owner.request(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: EMAIL) { connected } }`, { l: listId });
    expect(res.errors![0]!.extensions!.code).toBe('CONFLICT');
    expect(res.errors![0]!.message).toBe('This list is synced by Microsoft Entra ID; a list has one sync provider. Disconnect it on the Sync tab first to use SCIM provisioning.');
  });

  it('tokens: sct_ prefix, shown once, several per list, listed with prefix and last use, revocable; viewers cannot mint', async () => {
    const listId = await newList('Tokens');
    expect(await owner.errorCode(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: listId })).toBe('CONFLICT');
    await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: EMAIL) { connected } }`, { l: listId });
    const mint = () => owner.ok<{ generateScimToken: { token: string; baseUrl: string; scimToken: { id: string; prefix: string } } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token baseUrl scimToken { id prefix } } }`, { l: listId });
    const a = (await mint()).generateScimToken;
    const b = (await mint()).generateScimToken;
    expect(a.token).toMatch(/^sct_[0-9a-f]{32}_[A-Za-z0-9_-]{40,}$/);
    expect(a.token.startsWith(a.scimToken.prefix)).toBe(true);
    expect(a.baseUrl).toBe(`${server.url}/scim/v2/lists/${listId}`);
    const stored = await server.app.orm.em.getConnection().execute<Array<{ token_hash: Buffer }>>(`SELECT token_hash FROM scim_token WHERE list_id = ?`, [listId]);
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain(a.token.slice(4 + 33));
    const { scimTokens } = await owner.ok<{ scimTokens: Array<{ id: string; prefix: string; revokedAt: string | null; lastUsedAt: string | null; createdBy: string }> }>(
      `query($l: ID!) { scimTokens(listId: $l) { id prefix createdBy lastUsedAt revokedAt } }`,
      { l: listId },
    );
    expect(scimTokens.map((t) => t.id).sort()).toEqual([a.scimToken.id, b.scimToken.id].sort());
    expect(scimTokens.every((t) => t.lastUsedAt === null && t.revokedAt === null && t.createdBy === 'ada@acme.test')).toBe(true);
    const { revokeScimToken } = await owner.ok<{ revokeScimToken: { revokedAt: string } }>(`mutation($id: ID!) { revokeScimToken(id: $id) { revokedAt } }`, { id: a.scimToken.id });
    expect(revokeScimToken.revokedAt).not.toBeNull();
    const viewer = await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER' });
    expect(await viewer.client.errorCode(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: listId })).toBe('FORBIDDEN');
    const other = await createSecondOrganisation(server);
    expect(await other.errorCode(`mutation($id: ID!) { revokeScimToken(id: $id) { id } }`, { id: b.scimToken.id })).toBe('NOT_FOUND');
    expect(await other.errorCode(`query($l: ID!) { scimTokens(listId: $l) { id } }`, { l: listId })).toBe('NOT_FOUND');
  });

  it('disconnect revokes every token, keeps people and unlocks the fields', async () => {
    const listId = await newList('Disconnect');
    await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: EMAIL) { connected } }`, { l: listId });
    await owner.ok(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: listId });
    await owner.ok(`mutation($l: ID!) { disconnectSync(listId: $l) { syncProvider } }`, { l: listId });
    const { scimTokens } = await owner.ok<{ scimTokens: Array<{ revokedAt: string | null }> }>(`query($l: ID!) { scimTokens(listId: $l) { revokedAt } }`, { l: listId });
    expect(scimTokens.length).toBe(1);
    expect(scimTokens.every((t) => t.revokedAt !== null)).toBe(true);
    const { masterList } = await owner.ok<{ masterList: { syncProvider: string | null; fields: Array<{ locked: boolean }> } }>(LIST, { l: listId });
    expect(masterList.syncProvider).toBeNull();
    expect(masterList.fields.some((f) => f.locked)).toBe(false);
    const { scimConnection } = await owner.ok<{ scimConnection: { connected: boolean; uniqueIdentifier: string | null } }>(CONNECTION, { l: listId });
    expect(scimConnection).toMatchObject({ connected: false, uniqueIdentifier: null });
  });
});

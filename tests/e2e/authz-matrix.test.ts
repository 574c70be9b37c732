import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSchema, getNamedType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, createSecondOrganisation, setupOwner, signIn, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';
import { uploadOk } from '../support/csv.js';
import { connectScimList, ScimClient } from '../support/scim.js';

/**
 * The authorisation matrix: every Query, Mutation and Subscription field of the committed
 * contract (schema/schema.graphql, read programmatically, so a new field without an entry here
 * fails this test), tried over real HTTP/WebSocket against real PostgreSQL by every kind of
 * caller:
 *
 * - `anonymous`: no credential;
 * - `otherOrg`: the owner of ANOTHER organisation, passing this organisation's ids;
 * - `viewer`, `admin`, `owner`: members of this organisation with that role (auth/viewer.ts);
 * - `integrator`: a personal API token (rcp_…) created by an admin, acting with the admin's role.
 *
 * Outcomes: `allowed` means authorisation let the call through: no UNAUTHENTICATED, FORBIDDEN or
 * NOT_FOUND (the operation may still refuse its input, e.g. CONFLICT for an already applied
 * changeset); `own-org-only` is allowed but must show nothing of this organisation; the others
 * are the error code the caller must get, with no data of this organisation in the response.
 */

type Caller = 'anonymous' | 'otherOrg' | 'viewer' | 'admin' | 'owner' | 'integrator';
type Outcome = 'allowed' | 'own-org-only' | 'forbidden' | 'unauthenticated' | 'not-found';
const CALLERS: Caller[] = ['anonymous', 'otherOrg', 'viewer', 'integrator', 'admin', 'owner'];
const CODE: Partial<Record<Outcome, string>> = { forbidden: 'FORBIDDEN', unauthenticated: 'UNAUTHENTICATED', 'not-found': 'NOT_FOUND' };
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);

/** Readers: every member of the organisation. */
const READ: Record<Caller, Outcome> = { anonymous: 'unauthenticated', otherOrg: 'not-found', viewer: 'allowed', integrator: 'allowed', admin: 'allowed', owner: 'allowed' };
/** Writers: administrators and owners (and tokens acting for them); viewers cannot change anything. */
const WRITE: Record<Caller, Outcome> = { ...READ, viewer: 'forbidden' };
/** Owners only. */
const OWNER: Record<Caller, Outcome> = { ...WRITE, integrator: 'forbidden', admin: 'forbidden' };
/** Organisation-wide reads without an id: another organisation sees its own (empty) things. */
const ORG_READ: Record<Caller, Outcome> = { ...READ, otherOrg: 'own-org-only' };
const ORG_WRITE: Record<Caller, Outcome> = { ...WRITE, otherOrg: 'own-org-only' };
const PUBLIC: Record<Caller, Outcome> = { anonymous: 'allowed', otherOrg: 'own-org-only', viewer: 'allowed', integrator: 'allowed', admin: 'allowed', owner: 'allowed' };

interface Fixtures {
  listId: string;
  fieldId: string;
  personId: string;
  entraListId: string;
  connectionId: string;
  runId: string;
  scimListId: string;
  scimTokenId: string;
  csvListId: string;
  importId: string;
  sessionId: string;
  changesetId: string;
  changeIds: string[];
  photoId: string;
  memberId: string;
  apiTokenId: string;
  /** An administrator alert (the connection's client secret expires within 30 days). */
  alertId: string;
  /** Creates a fresh thing for a destructive call a caller is allowed to make. */
  fresh: {
    person(): Promise<string>;
    field(): Promise<string>;
    member(): Promise<string>;
    apiToken(): Promise<string>;
    list(): Promise<string>;
    connection(): Promise<string>;
    scimToken(): Promise<string>;
  };
}

interface Case {
  /** Variables for the call; `allowed` is true when the caller is expected to get through. */
  vars: (fx: Fixtures, allowed: boolean) => Record<string, unknown> | Promise<Record<string, unknown>>;
  expect: Record<Caller, Outcome>;
  /** The selection, when `__typename` (plus `id`) is not enough to see a leak. */
  select?: string;
}

const PNG_URL = `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==`;
const none = () => ({});

const QUERIES: Record<string, Case> = {
  alerts: { vars: none, expect: ORG_READ },
  apiTokens: { vars: none, expect: ORG_READ },
  auditTrail: { vars: (f) => ({ listId: f.listId }), expect: READ, select: '{ edges { id } }' },
  changeset: { vars: (f) => ({ id: f.changesetId }), expect: READ },
  changesets: { vars: (f) => ({ listId: f.listId }), expect: READ },
  csvImport: { vars: (f) => ({ id: f.importId }), expect: READ },
  entraConnection: { vars: (f) => ({ id: f.connectionId }), expect: READ },
  entraConnections: { vars: none, expect: ORG_READ },
  // Directory look-ups are for setting up a sync, which only administrators do.
  entraGroups: { vars: (f) => ({ connectionId: f.connectionId }), expect: WRITE },
  entraSourceFields: { vars: (f) => ({ connectionId: f.connectionId, listId: f.entraListId }), expect: WRITE, select: '{ __typename }' },
  listSync: { vars: (f) => ({ listId: f.entraListId }), expect: READ, select: '{ __typename }' },
  masterList: { vars: (f) => ({ id: f.listId }), expect: READ },
  masterLists: { vars: () => ({ includeArchived: true }), expect: ORG_READ },
  members: { vars: none, expect: ORG_READ },
  people: { vars: (f) => ({ listId: f.listId }), expect: READ, select: '{ edges { node { id } } }' },
  person: { vars: (f) => ({ id: f.personId }), expect: READ },
  provisioningLog: { vars: (f) => ({ listId: f.scimListId }), expect: READ, select: '{ edges { id } }' },
  scimAttributes: { vars: none, expect: ORG_READ, select: '{ __typename }' },
  scimConnection: { vars: (f) => ({ listId: f.scimListId }), expect: READ, select: '{ listId }' },
  scimTokens: { vars: (f) => ({ listId: f.scimListId }), expect: READ },
  session: { vars: (f) => ({ id: f.sessionId }), expect: READ },
  sessions: { vars: (f) => ({ listId: f.listId }), expect: READ },
  setupStatus: { vars: none, expect: PUBLIC, select: '{ needsSetup }' },
  syncRun: { vars: (f) => ({ id: f.runId }), expect: READ },
  syncRuns: { vars: (f) => ({ listId: f.entraListId, first: 5 }), expect: READ },
  viewer: { vars: none, expect: PUBLIC, select: '{ member { id } organization { id } }' },
};

const MUTATIONS: Record<string, Case> = {
  // Dismissing is idempotent, so every allowed caller may dismiss the same alert.
  dismissAlert: { vars: (f) => ({ id: f.alertId }), expect: WRITE },
  addField: { vars: (f, ok) => ({ listId: f.listId, input: { key: `k${Math.random().toString(36).slice(2, 8)}`, label: ok ? 'New' : 'Refused', type: 'TEXT' } }), expect: WRITE },
  addMember: {
    vars: () => ({ input: { email: `m${Math.random().toString(36).slice(2, 8)}@acme.test`, name: 'New member', password: 'a long password', role: 'VIEWER' } }),
    expect: ORG_WRITE,
  },
  applyChangeset: { vars: (f) => ({ changesetId: f.changesetId }), expect: WRITE, select: '{ __typename }' },
  approveCleanChanges: { vars: (f) => ({ changesetId: f.changesetId }), expect: WRITE },
  approveSyncRun: { vars: (f) => ({ id: f.runId }), expect: WRITE },
  archiveMasterList: { vars: async (f, ok) => ({ id: ok ? await f.fresh.list() : f.listId }), expect: WRITE },
  cancelSyncRun: { vars: (f) => ({ id: f.runId }), expect: WRITE },
  commitCsvImport: { vars: (f) => ({ input: { importId: f.importId, fullRoster: false, skipInvalidRows: true } }), expect: WRITE },
  configureEntraSync: {
    vars: (f) => ({ input: { listId: f.entraListId, connectionId: f.connectionId, uidFieldKey: 'employee_id', scope: { kind: 'ALL_USERS' }, mappings: [{ sourceAttribute: 'employeeId', fieldKey: 'employee_id' }] } }),
    expect: WRITE,
    select: '{ listId }',
  },
  connectScim: { vars: async (f, ok) => ({ listId: ok ? await f.fresh.list() : f.listId, uniqueIdentifier: 'USERNAME' }), expect: WRITE, select: '{ listId }' },
  createApiToken: { vars: () => ({ name: 'matrix' }), expect: { ...ORG_WRITE, viewer: 'allowed' }, select: '{ apiToken { id } }' },
  createEntraConnection: {
    vars: () => ({ input: { name: `E ${Math.random()}`, tenantId: 'contoso.onmicrosoft.com', clientId: '0f8fad5b-d9cb-469f-a165-70867728950e', clientSecret: 'Zk8Q~sUpEr.SeCrEt-Value_123456789' } }),
    expect: ORG_WRITE,
  },
  createMasterList: { vars: () => ({ input: { name: `L ${Math.random()}`, uidField: { key: 'badge', label: 'Badge', type: 'TEXT' } } }), expect: ORG_WRITE },
  createPerson: { vars: (f) => ({ listId: f.listId, values: { employee_id: `E${Math.random().toString(36).slice(2, 10)}` } }), expect: WRITE },
  createSession: { vars: (f) => ({ input: { listId: f.listId, name: 'Matrix session' } }), expect: WRITE },
  deactivatePerson: { vars: async (f, ok) => ({ id: ok ? await f.fresh.person() : f.personId }), expect: WRITE },
  decideChanges: { vars: (f) => ({ changesetId: f.changesetId, changeIds: f.changeIds, decision: 'APPROVED' }), expect: WRITE },
  decideSessionPhoto: { vars: (f) => ({ photoId: f.photoId, approve: false }), expect: WRITE },
  disconnectSync: { vars: (f) => ({ listId: f.listId }), expect: WRITE },
  erasePerson: { vars: async (f, ok) => ({ id: ok ? await f.fresh.person() : f.personId }), expect: OWNER },
  generateScimToken: { vars: (f) => ({ listId: f.scimListId }), expect: WRITE, select: '{ scimToken { id } }' },
  login: { vars: () => ({ email: 'ada@acme.test', password: 'correct horse battery' }), expect: PUBLIC, select: '{ __typename }' },
  logout: { vars: none, expect: PUBLIC },
  previewCsvImport: { vars: (f) => ({ input: { importId: f.importId, fullRoster: false, skipInvalidRows: true } }), expect: WRITE, select: '{ __typename }' },
  reactivatePerson: { vars: (f) => ({ id: f.personId }), expect: WRITE },
  removeEntraConnection: { vars: async (f, ok) => ({ id: ok ? await f.fresh.connection() : f.connectionId }), expect: WRITE },
  removeField: { vars: async (f, ok) => ({ id: ok ? await f.fresh.field() : f.fieldId }), expect: WRITE },
  removeMember: { vars: async (f, ok) => ({ id: ok ? await f.fresh.member() : f.memberId }), expect: OWNER },
  renameMasterList: { vars: (f) => ({ id: f.listId, name: 'Staff' }), expect: WRITE },
  reorderFields: { vars: (f) => ({ listId: f.listId, fieldIds: [f.fieldId] }), expect: WRITE },
  revokeApiToken: { vars: async (f, ok) => ({ id: ok ? await f.fresh.apiToken() : f.apiTokenId }), expect: WRITE },
  revokeScimToken: { vars: async (f, ok) => ({ id: ok ? await f.fresh.scimToken() : f.scimTokenId }), expect: WRITE },
  rollbackChangeset: { vars: (f) => ({ changesetId: f.changesetId }), expect: WRITE, select: '{ __typename }' },
  saveSessionToList: { vars: (f) => ({ sessionId: f.sessionId }), expect: WRITE },
  setCsvImportMapping: { vars: (f) => ({ input: { importId: f.importId, uidColumn: 'employee_id', mappings: [{ sourceAttribute: 'employee_id', fieldKey: 'employee_id' }] } }), expect: WRITE },
  setScimMappings: { vars: (f) => ({ listId: f.scimListId, mappings: [{ sourceAttribute: 'userName', fieldKey: 'badge' }] }), expect: WRITE, select: '{ listId }' },
  setSyncReviewPolicy: { vars: (f) => ({ listId: f.listId, reviewSyncChanges: false, autoApprove: [] }), expect: WRITE },
  setUidField: { vars: (f) => ({ listId: f.listId, fieldId: f.fieldId }), expect: WRITE },
  setup: { vars: () => ({ input: { organizationName: 'Evil', name: 'Eve', email: 'eve@evil.test', password: 'a long password' } }), expect: PUBLIC, select: '{ __typename }' },
  syncNow: { vars: (f) => ({ listId: f.entraListId, mode: 'DRY_RUN' }), expect: WRITE },
  testEntraConnection: { vars: (f) => ({ id: f.connectionId }), expect: WRITE, select: '{ ok }' },
  unarchiveMasterList: { vars: (f) => ({ id: f.listId }), expect: WRITE },
  updateEntraConnection: { vars: (f) => ({ id: f.connectionId, input: {} }), expect: WRITE },
  updateField: { vars: (f) => ({ id: f.fieldId, input: { label: 'Badge note' } }), expect: WRITE },
  updateMemberRole: { vars: async (f, ok) => ({ id: ok ? await f.fresh.member() : f.memberId, role: 'VIEWER' }), expect: OWNER },
  updatePerson: { vars: (f) => ({ id: f.personId, values: { badge_note: 'matrix' } }), expect: WRITE },
  updateSessionPerson: { vars: (f) => ({ sessionId: f.sessionId, personId: f.personId, values: { badge_note: 'session' } }), expect: WRITE },
  uploadSessionPhoto: { vars: (f) => ({ sessionId: f.sessionId, personId: f.personId, dataUrl: PNG_URL }), expect: WRITE },
};

/** Subscriptions: the caller that may listen gets the first event after `trigger`. */
const SUBSCRIPTIONS: Record<string, Case> = {
  alertsChanged: { vars: none, expect: ORG_READ },
  changesetUpdated: { vars: (f) => ({ listId: f.listId }), expect: READ },
  personChanged: { vars: (f) => ({ listId: f.listId }), expect: READ, select: '{ personId }' },
  provisioningLogged: { vars: (f) => ({ listId: f.scimListId }), expect: READ },
  syncRunProgress: { vars: (f) => ({ runId: f.runId }), expect: READ },
};

const schema = buildSchema(readFileSync(path.resolve(import.meta.dirname, '../../schema/schema.graphql'), 'utf8'));

/** `query($a: T!) { field(a: $a) { __typename id } }` for the variables given. */
function operation(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, vars: Record<string, unknown>, select?: string): string {
  const args = field.args.filter((a) => a.name in vars);
  const decl = args.length ? `(${args.map((a) => `$${a.name}: ${a.type}`).join(', ')})` : '';
  const call = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const named = getNamedType(field.type);
  const selection = select ?? (isObjectType(named) ? ('id' in named.getFields() ? '{ __typename id }' : '{ __typename }') : '');
  return `${kind}${decl} { ${field.name}${call} ${selection} }`;
}

/** Every UUID in a value, to tell whether a response shows things of this organisation. */
function uuids(value: unknown): string[] {
  return JSON.stringify(value ?? null).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
}

describe('authorisation matrix: every field of the contract as every kind of caller', () => {
  let sim: Awaited<ReturnType<typeof startGraphSimulator>>;
  let server: TestServer;
  let clients: Record<Caller, GraphQLTestClient>;
  let fx: Fixtures;
  /** Every id this organisation has, as its owner sees them: none may reach another organisation. */
  const ours = new Set<string>();

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.directory.seedUsers(3);
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: 'none' });
    const owner = await setupOwner(server);
    const admin = await addMember(server, owner, { email: 'alan@acme.test', role: 'ADMIN' });
    const viewer = await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER' });
    const { createApiToken } = await admin.client.ok<{ createApiToken: { token: string; apiToken: { id: string } } }>(`mutation { createApiToken(name: "integrator") { token apiToken { id } } }`);
    clients = {
      anonymous: server.client,
      otherOrg: await createSecondOrganisation(server),
      viewer: viewer.client,
      admin: admin.client,
      owner,
      integrator: server.client.as(createApiToken.token),
    };

    const listId = await createStaffList(owner, 'Staff');
    const fields = await owner.ok<{ masterList: { fields: Array<{ id: string; key: string }> } }>(`query($id: ID!) { masterList(id: $id) { fields { id key } } }`, { id: listId });
    const fieldId = fields.masterList.fields.find((f) => f.key === 'badge_note')!.id;
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "photo", label: "Photo", type: PHOTO }) { id } }`, { l: listId });
    const newPerson = async () =>
      (await owner.ok<{ createPerson: { id: string } }>(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: listId, v: { employee_id: `P${Math.random().toString(36).slice(2, 10)}`, badge_note: 'x' } })).createPerson.id;
    const personId = await newPerson();

    const connectionId = await createConnection(owner, sim);
    const entraListId = await createStaffList(owner, 'Entra staff');
    await configure(owner, { listId: entraListId, connectionId });
    const run = await syncAndWait(owner, entraListId, 'DRY_RUN');
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await owner.ok(`mutation($id: ID!, $d: String) { updateEntraConnection(id: $id, input: { secretExpiresAt: $d }) { id } }`, { id: connectionId, d: soon });
    const { alerts } = await owner.ok<{ alerts: Array<{ id: string; kind: string }> }>(`{ alerts { id kind } }`);
    const alertId = alerts.find((a) => a.kind === 'SECRET_EXPIRES_SOON')!.id;

    const scim = await connectScimList(owner, 'Provisioned');
    await new ScimClient(scim.baseUrl, scim.token).get('/Users');

    const csvListId = await createStaffList(owner, 'Imported');
    const upload = await uploadOk(owner, csvListId, 'employee_id,email\nC1,c1@acme.test\nC2,c2@acme.test\n');
    await owner.ok(`mutation($i: SetCsvImportMappingInput!) { setCsvImportMapping(input: $i) { id } }`, { i: { importId: upload.id, uidColumn: 'employee_id', mappings: [{ sourceAttribute: 'employee_id', fieldKey: 'employee_id' }, { sourceAttribute: 'email', fieldKey: 'email' }] } });

    const { createSession } = await owner.ok<{ createSession: { id: string } }>(`mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`, { i: { listId, name: 'Photo day' } });
    await owner.ok(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { badge_note: "edited" }) { __typename } }`, { s: createSession.id, p: personId });
    const { uploadSessionPhoto } = await owner.ok<{ uploadSessionPhoto: { id: string } }>(`mutation($s: ID!, $p: ID!, $d: String!) { uploadSessionPhoto(sessionId: $s, personId: $p, dataUrl: $d) { id } }`, { s: createSession.id, p: personId, d: PNG_URL });
    const { saveSessionToList } = await owner.ok<{ saveSessionToList: { id: string; changes: Array<{ id: string }> } }>(`mutation($s: ID!) { saveSessionToList(sessionId: $s) { id changes { id } } }`, { s: createSession.id });

    fx = {
      listId, fieldId, personId, entraListId, connectionId, runId: run.id,
      scimListId: scim.listId, scimTokenId: scim.tokenId, csvListId, importId: upload.id,
      sessionId: createSession.id, changesetId: saveSessionToList.id, changeIds: saveSessionToList.changes.map((c) => c.id),
      photoId: uploadSessionPhoto.id, memberId: admin.id, apiTokenId: createApiToken.apiToken.id, alertId,
      fresh: {
        person: newPerson,
        field: async () => (await owner.ok<{ addField: { id: string } }>(`mutation($l: ID!, $k: String!) { addField(listId: $l, input: { key: $k, label: $k, type: TEXT }) { id } }`, { l: listId, k: `f${Math.random().toString(36).slice(2, 8)}` })).addField.id,
        member: async () => (await addMember(server, owner, { email: `x${Math.random().toString(36).slice(2, 8)}@acme.test`, role: 'VIEWER' })).id,
        apiToken: async () => (await owner.ok<{ createApiToken: { apiToken: { id: string } } }>(`mutation { createApiToken(name: "spare") { apiToken { id } } }`)).createApiToken.apiToken.id,
        list: async () => (await owner.ok<{ createMasterList: { id: string } }>(`mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`, { n: `Spare ${Math.random()}` })).createMasterList.id,
        connection: async () => createConnection(owner, sim, `Spare ${Math.random()}`),
        scimToken: async () => (await owner.ok<{ generateScimToken: { scimToken: { id: string } } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { scimToken { id } } }`, { l: scim.listId })).generateScimToken.scimToken.id,
      },
    };
    // Everything the owner can see of this organisation.
    const everything = await owner.ok(`{ masterLists(includeArchived: true) { id fields { id } } members { id } apiTokens { id } entraConnections { id } }`);
    for (const id of [...uuids(everything), ...uuids(fx)]) ours.add(id);
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  it('has an entry for every Query, Mutation and Subscription field of schema/schema.graphql, and none for fields that do not exist', () => {
    const table = { Query: QUERIES, Mutation: MUTATIONS, Subscription: SUBSCRIPTIONS };
    for (const [type, cases] of Object.entries(table)) {
      const fields = Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).sort();
      expect({ type, missing: fields.filter((f) => !(f in cases)) }).toEqual({ type, missing: [] });
      expect({ type, unknown: Object.keys(cases).filter((f) => !fields.includes(f)) }).toEqual({ type, unknown: [] });
    }
  });

  /** Asserts one call's outcome; returns a description of any mismatch. */
  const check = (caller: Caller, expected: Outcome, res: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> }, field: string): string | null => {
    const code = res.errors?.[0]?.extensions?.code;
    const value = (res.data as Record<string, unknown> | null | undefined)?.[field];
    const leaked = caller === 'otherOrg' || caller === 'anonymous' ? uuids(value).filter((id) => ours.has(id)) : [];
    if (leaked.length) return `${field} as ${caller}: shows this organisation's ${leaked.join(', ')}`;
    if (expected === 'allowed' || expected === 'own-org-only') return code && AUTH_CODES.has(code) ? `${field} as ${caller}: expected ${expected}, got ${code}` : null;
    if (expected === 'not-found' && !code && value === null) return null;
    if (code !== CODE[expected]) return `${field} as ${caller}: expected ${CODE[expected]}, got ${code ?? JSON.stringify(res.data)}`;
    return value == null ? null : `${field} as ${caller}: refused but returned data`;
  };

  const operations = [
    ['query', QUERIES, 'every query field answers each caller as the matrix says'],
    ['mutation', MUTATIONS, 'every mutation field answers each caller as the matrix says'],
  ] as const;
  for (const [kind, cases, title] of operations) {
    it(title, { timeout: 120_000 }, async () => {
      const type = schema.getType(kind === 'query' ? 'Query' : 'Mutation') as GraphQLObjectType;
      const problems: string[] = [];
      for (const [name, c] of Object.entries(cases)) {
        const field = type.getFields()[name]!;
        for (const caller of CALLERS) {
          const expected = c.expect[caller];
          const allowed = expected === 'allowed' || expected === 'own-org-only';
          const vars = await c.vars(fx, allowed && caller !== 'otherOrg');
          // Signing out ends the caller's session: it uses one of its own.
          const client = name === 'logout' && caller !== 'anonymous' && caller !== 'integrator' ? await freshSession(caller) : clients[caller];
          const res = await client.request(operation(kind, field, vars, c.select), vars);
          const problem = check(caller, expected, res, name);
          if (problem) problems.push(problem);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  /** A new sign-in session of a caller that signs in with a password. */
  const freshSession = (caller: Caller) => {
    const email = { otherOrg: 'hank@globex.test', viewer: 'vera@acme.test', admin: 'alan@acme.test', owner: 'ada@acme.test' }[caller as 'owner'];
    return signIn(server, email, caller === 'owner' ? 'correct horse battery' : `${email} password`);
  };

  /**
   * The HTTP routes beside GraphQL that take the same credentials: CSV upload and downloads, and
   * uploaded session photos. Allowed callers get 2xx; the others 401, 403 or 404 with no content.
   */
  it('every authenticated HTTP route answers each caller as the matrix says', { timeout: 60_000 }, async () => {
    const STATUS: Record<Outcome, number[]> = { allowed: [200, 201], 'own-org-only': [200], forbidden: [403], unauthenticated: [401], 'not-found': [404] };
    const routes: Array<{ method: 'GET' | 'POST'; path: () => string; body?: string; type?: string; expect: Record<Caller, Outcome> }> = [
      { method: 'POST', path: () => `/api/lists/${fx.csvListId}/imports?fileName=m.csv`, body: 'employee_id,email\nM1,m1@acme.test\n', type: 'text/csv', expect: WRITE },
      { method: 'GET', path: () => `/api/imports/${fx.importId}/problems.csv`, expect: READ },
      { method: 'GET', path: () => `/api/lists/${fx.listId}/export.csv`, expect: READ },
      { method: 'GET', path: () => `/session-photos/${fx.photoId}`, expect: READ },
    ];
    const problems: string[] = [];
    for (const route of routes) {
      for (const caller of CALLERS) {
        const token = clients[caller].token;
        const res = await fetch(`${server.url}${route.path()}`, {
          method: route.method,
          headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(route.type ? { 'content-type': route.type } : {}) },
          body: route.body,
        });
        const text = await res.text();
        const expected = route.expect[caller];
        if (!STATUS[expected].includes(res.status)) problems.push(`${route.method} ${route.path()} as ${caller}: ${res.status}, expected ${expected}`);
        if (res.status >= 400 && /employee_id|@acme\.test|PNG/.test(text)) problems.push(`${route.method} ${route.path()} as ${caller}: refused but shows content`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every subscription answers each caller as the matrix says, over the WebSocket', { timeout: 120_000 }, async () => {
    const type = schema.getSubscriptionType()!;
    const owner = clients.owner;
    /** Something that makes each subscription emit. */
    const triggers: Record<string, () => Promise<unknown>> = {
      changesetUpdated: async () => {
        const { createSession } = await owner.ok<{ createSession: { id: string } }>(`mutation($i: CreateSessionInput!) { createSession(input: $i) { id } }`, { i: { listId: fx.listId, name: `Live ${Math.random()}` } });
        await owner.ok(`mutation($s: ID!, $p: ID!) { updateSessionPerson(sessionId: $s, personId: $p, values: { badge_note: "live" }) { __typename } }`, { s: createSession.id, p: fx.personId });
        return owner.ok(`mutation($s: ID!) { saveSessionToList(sessionId: $s) { id } }`, { s: createSession.id });
      },
      personChanged: () => owner.ok(`mutation($id: ID!, $v: JSONObject!) { updatePerson(id: $id, values: $v) { id } }`, { id: fx.personId, v: { badge_note: `live ${Math.random()}` } }),
      provisioningLogged: async () => {
        const { generateScimToken } = await owner.ok<{ generateScimToken: { token: string; baseUrl: string } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token baseUrl } }`, { l: fx.scimListId });
        return new ScimClient(generateScimToken.baseUrl, generateScimToken.token).get('/Users');
      },
      syncRunProgress: async () => undefined,
      alertsChanged: () => owner.ok(`mutation($id: ID!) { dismissAlert(id: $id) { id } }`, { id: fx.alertId }),
    };
    const problems: string[] = [];
    for (const [name, c] of Object.entries(SUBSCRIPTIONS)) {
      const field = type.getFields()[name]!;
      for (const caller of CALLERS) {
        const expected = c.expect[caller];
        const vars = await c.vars(fx, false);
        const ws = clients[caller].ws();
        const outcome = new Promise<{ data?: unknown; errors?: Array<{ extensions?: { code?: string } }>; closed?: boolean }>((resolve) => {
          const timer = setTimeout(() => resolve({ data: { [name]: null }, errors: [{ extensions: { code: 'TIMEOUT' } }] }), 10_000);
          ws.subscribe(
            { query: operation('subscription', field, vars, c.select), variables: vars },
            {
              next: (msg) => (clearTimeout(timer), resolve(msg as never)),
              error: (err) => (clearTimeout(timer), resolve(Array.isArray(err) ? { errors: err } : { closed: true, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] })),
              complete: () => undefined,
            },
          );
        });
        // Give the subscription time to start listening before the event that should reach it.
        await new Promise((r) => setTimeout(r, 300));
        if (expected === 'allowed') await triggers[name]!();
        const res = await outcome;
        await ws.dispose();
        const problem = check(caller, expected, res, name);
        if (problem) problems.push(problem);
        if (expected === 'allowed' && !(res.data as Record<string, unknown> | undefined)?.[name]) problems.push(`${name} as ${caller}: no event arrived`);
      }
    }
    expect(problems).toEqual([]);
  });
});

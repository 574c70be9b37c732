import type { GraphQLTestClient } from './graphql.js';
import type { startGraphSimulator } from './graph-sim/index.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

export const RUN_FIELDS = `id status mode readInFull trigger phase reason startedBy counts { seen created updated deactivated reactivated unchanged errors photos } errors { anchor reason }`;

export interface RunResult {
  id: string;
  status: string;
  mode: string;
  readInFull: boolean;
  trigger: string;
  phase: string;
  reason: string | null;
  startedBy: string | null;
  counts: Record<'seen' | 'created' | 'updated' | 'deactivated' | 'reactivated' | 'unchanged' | 'errors' | 'photos', number>;
  errors: Array<{ anchor: string; reason: string }>;
}

/** Adds the simulator's app registration as an Entra connection; returns its id. */
export async function createConnection(client: GraphQLTestClient, sim: Sim, name = 'Contoso'): Promise<string> {
  const data = await client.ok<{ createEntraConnection: { id: string } }>(
    `mutation($i: CreateEntraConnectionInput!) { createEntraConnection(input: $i) { id } }`,
    { i: { ...sim.connectionInput, name } },
  );
  return data.createEntraConnection.id;
}

/** A list with a UID field and an email field, for syncing. */
export async function createStaffList(client: GraphQLTestClient, name = 'Staff'): Promise<string> {
  const { createMasterList } = await client.ok<{ createMasterList: { id: string } }>(
    `mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    { n: name },
  );
  await client.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "email", label: "Email", type: EMAIL }) { id } }`, { l: createMasterList.id });
  await client.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "badge_note", label: "Badge note", type: TEXT }) { id } }`, { l: createMasterList.id });
  return createMasterList.id;
}

/** The usual mapping: employeeId (UID), mail, names and department (created on the fly). */
export const STANDARD_MAPPINGS = [
  { sourceAttribute: 'employeeId', fieldKey: 'employee_id' },
  { sourceAttribute: 'mail', fieldKey: 'email', transform: 'LOWERCASE' },
  { sourceAttribute: 'givenName', createField: { label: 'First name', type: 'TEXT' } },
  { sourceAttribute: 'surname', createField: { label: 'Last name', type: 'TEXT' } },
  { sourceAttribute: 'department', createField: { label: 'Department', type: 'TEXT' } },
];

export async function configure(client: GraphQLTestClient, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const data = await client.ok<{ configureEntraSync: Record<string, unknown> }>(
    `mutation($i: ConfigureEntraSyncInput!) { configureEntraSync(input: $i) { listId provider intervalMinutes nextRunAt scope { kind groupId groupName enabledOnly } mappings { sourceAttribute transform field { key label type } } } }`,
    { i: { uidFieldKey: 'employee_id', mappings: STANDARD_MAPPINGS, scope: { kind: 'ALL_USERS' }, ...input } },
  );
  return data.configureEntraSync;
}

/** Starts a run with syncNow and waits until it is final; returns it. */
export async function syncAndWait(client: GraphQLTestClient, listId: string, mode: 'FULL' | 'DELTA' | 'DRY_RUN' = 'DELTA', timeoutMs = 60_000): Promise<RunResult> {
  const { syncNow } = await client.ok<{ syncNow: { id: string; status: string } }>(`mutation($l: ID!, $m: SyncRunMode!) { syncNow(listId: $l, mode: $m) { id status } }`, { l: listId, m: mode });
  return waitForRun(client, syncNow.id, timeoutMs);
}

export async function waitForRun(client: GraphQLTestClient, runId: string, timeoutMs = 60_000): Promise<RunResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { syncRun } = await client.ok<{ syncRun: RunResult }>(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: runId });
    if (!['QUEUED', 'RUNNING'].includes(syncRun.status)) return syncRun;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${syncRun.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface PersonRow {
  uid: string;
  status: string;
  values: Record<string, unknown>;
}

/** Every person of a list (by UID), read through GraphQL. */
export async function people(client: GraphQLTestClient, listId: string): Promise<Map<string, PersonRow>> {
  const out = new Map<string, PersonRow>();
  let after: string | null = null;
  for (;;) {
    const data: { people: { edges: Array<{ node: PersonRow }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await client.ok(
      `query($l: ID!, $a: String) { people(listId: $l, status: ALL, first: 500, after: $a) { edges { node { uid status values } } pageInfo { hasNextPage endCursor } } }`,
      { l: listId, a: after },
    );
    for (const e of data.people.edges) out.set(e.node.uid, e.node);
    if (!data.people.pageInfo.hasNextPage) return out;
    after = data.people.pageInfo.endCursor;
  }
}

/**
 * How a list synced with STANDARD_MAPPINGS differs from the simulator's enabled users: missing,
 * extra or inactive people, and values that are not the directory's. Empty when they agree.
 */
export function differencesFromDirectory(list: Map<string, PersonRow>, directory: Sim['directory']): string[] {
  const out: string[] = [];
  const expected = new Map<string, Record<string, unknown>>();
  for (const id of directory.userIds()) {
    const u = directory.user(id)!;
    expected.set(String(u.employeeId), {
      employee_id: u.employeeId,
      email: String(u.mail).toLowerCase(),
      given_name: u.givenName,
      surname: u.surname,
      department: u.department,
    });
  }
  for (const [uid, want] of expected) {
    const got = list.get(uid);
    if (!got) out.push(`${uid}: missing`);
    else if (got.status !== 'ACTIVE') out.push(`${uid}: ${got.status}`);
    else for (const [k, v] of Object.entries(want)) if (got.values[k] !== v) out.push(`${uid}.${k}: ${JSON.stringify(got.values[k])} instead of ${JSON.stringify(v)}`);
  }
  for (const uid of list.keys()) if (!expected.has(uid)) out.push(`${uid}: not in the directory`);
  return out;
}

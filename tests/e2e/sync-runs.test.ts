import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunner, type Source } from '../../api/src/sync/engine/runner.js';
import { randomIds } from '../../api/src/shared/ids.js';
import { systemClock } from '../../api/src/shared/clock.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';

// Runs are started with the engine's runner directly until syncNow and the Entra source exist;
// everything asserted here is read through GraphQL.
describe('sync run history over GraphQL', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  let orgId: string;
  let runner: SyncRunner;
  const actor = { type: 'SYNC' as const, id: null, label: 'ada@acme.test' };

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    listId = (await owner.ok<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "email", label: "Email", type: EMAIL }) { id } }`, { l: listId });
    const conn = server.app.orm.em.getConnection();
    await conn.execute(
      `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute)
       SELECT gen_random_uuid(), organization_id, list_id, id, 'entra', CASE key WHEN 'email' THEN 'mail' ELSE 'employeeId' END FROM list_field WHERE list_id = ?`,
      [listId],
    );
    orgId = (await conn.execute<Array<{ organization_id: string }>>(`SELECT organization_id FROM master_list WHERE id = ?`, [listId]))[0]!.organization_id;
    runner = new SyncRunner({ orm: server.app.orm, clock: systemClock, ids: randomIds, logger: createLogger('silent') });
    const source = (emails: string[]): Source => ({
      name: 'entra',
      async *pages() {
        yield emails.map((mail, i) => ({ anchor: `obj-${i}`, active: true, attributes: { employeeId: `E${i}`, mail } }));
      },
    });
    await runner.run({ organizationId: orgId, listId, source: source(['a@x.test', 'b@x.test']), trigger: 'MANUAL', mode: 'DRY_RUN', actor });
    await runner.run({ organizationId: orgId, listId, source: source(['a@x.test', 'not-mail']), trigger: 'SCHEDULE', mode: 'FULL', actor });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists runs newest first with counts, per-record errors and outcome', async () => {
    const { syncRuns } = await owner.ok<{ syncRuns: Array<Record<string, unknown>> }>(
      `query($l: ID!) { syncRuns(listId: $l) { id source trigger mode status phase reason startedBy finishedAt counts { seen created updated deactivated reactivated unchanged errors } errors { anchor reason } } }`,
      { l: listId },
    );
    expect(syncRuns.length).toBeGreaterThanOrEqual(2);
    expect(syncRuns[0]).toMatchObject({
      source: 'entra',
      trigger: 'SCHEDULE',
      mode: 'FULL',
      status: 'SUCCEEDED',
      phase: 'DONE',
      startedBy: 'ada@acme.test',
      counts: { seen: 2, created: 1, updated: 0, deactivated: 0, reactivated: 0, unchanged: 0, errors: 1 },
      errors: [{ anchor: 'obj-1', reason: expect.stringContaining('must be an email address') }],
    });
    expect(syncRuns[0]!.finishedAt).toBeTruthy();
    expect(syncRuns[1]).toMatchObject({ mode: 'DRY_RUN', status: 'SUCCEEDED', reason: 'dry run: nothing was written', counts: { created: 2 } });
    const { syncRun } = await owner.ok<{ syncRun: { id: string; status: string } }>(`query($id: ID!) { syncRun(id: $id) { id status } }`, { id: syncRuns[1]!.id });
    expect(syncRun).toEqual({ id: syncRuns[1]!.id, status: 'SUCCEEDED' });
  });

  it('streams the progress of a running run over WebSocket until it finishes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Source = {
      name: 'entra',
      async *pages() {
        yield [{ anchor: 'obj-0', active: true, attributes: { employeeId: 'E0', mail: 'a@x.test' } }];
        await gate;
        yield [{ anchor: 'obj-9', active: true, attributes: { employeeId: 'E9', mail: 'z@x.test' } }];
      },
    };
    const done = runner.run({ organizationId: orgId, listId, source: slow, trigger: 'MANUAL', mode: 'FULL', actor });
    let runId = '';
    await expect
      .poll(async () => {
        const { syncRuns } = await owner.ok<{ syncRuns: Array<{ id: string; status: string }> }>(`query($l: ID!) { syncRuns(listId: $l, first: 1) { id status } }`, { l: listId });
        runId = syncRuns[0]!.id;
        return syncRuns[0]!.status;
      })
      .toBe('RUNNING');
    const ws = owner.ws();
    const seen: Array<{ status: string; phase: string; counts: { seen: number; created: number } }> = [];
    const finished = new Promise<void>((resolve, reject) =>
      ws.subscribe<{ syncRunProgress: (typeof seen)[number] }>(
        { query: `subscription($id: ID!) { syncRunProgress(runId: $id) { status phase counts { seen created } } }`, variables: { id: runId } },
        { next: (m) => (m.errors ? reject(new Error(JSON.stringify(m.errors))) : seen.push(m.data!.syncRunProgress)), error: reject, complete: resolve },
      ),
    );
    // Held for over two seconds: the runner announces progress at least once a second meanwhile.
    await new Promise((r) => setTimeout(r, 2300));
    release();
    await done;
    await finished;
    await ws.dispose();
    const running = seen.filter((u) => u.status === 'RUNNING');
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running[0]).toMatchObject({ phase: 'READING' });
    expect(seen.at(-1)).toEqual({ status: 'SUCCEEDED', phase: 'DONE', counts: expect.objectContaining({ seen: 2 }) });
  });

  it('shows what a halted run would do; admins approve it once or cancel another', async () => {
    const only = (ids: number[]): Source => ({
      name: 'entra',
      async *pages() {
        yield ids.map((i) => ({ anchor: `obj-${i}`, active: true, attributes: { employeeId: `E${i}`, mail: `${i}@x.test` } }));
      },
    });
    // E0 and E9 are active; a directory with only E0 would deactivate half the list.
    const halted = await runner.run({ organizationId: orgId, listId, source: only([0]), trigger: 'SCHEDULE', mode: 'FULL', actor });
    expect(halted.status).toBe('HALTED');
    const PREVIEW = `query($id: ID!) { syncRun(id: $id) { status reason preview { deactivations { uid personId reason } updates { uid changes { field before after } } creates { uid } } } }`;
    const { syncRun } = await owner.ok<{ syncRun: { status: string; reason: string; preview: { deactivations: Array<{ uid: string; reason: string }>; updates: Array<{ uid: string; changes: unknown[] }> } } }>(PREVIEW, { id: halted.runId });
    expect(syncRun.reason).toMatch(/1 of 2 active people \(50\.0%\)/);
    expect(syncRun.preview.deactivations).toEqual([expect.objectContaining({ uid: 'E9', reason: 'removed_from_scope' })]);
    expect(syncRun.preview.updates).toEqual([{ uid: 'E0', changes: [{ field: 'email', before: 'a@x.test', after: '0@x.test' }] }]);

    await owner.ok(`mutation { addMember(input: { email: "viv@acme.test", name: "Viv", role: VIEWER, password: "viewer password" }) { id } }`);
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation { login(email: "viv@acme.test", password: "viewer password") { token } }`);
    expect(await server.client.as(login.token).errorCode(`mutation($id: ID!) { approveSyncRun(id: $id) { id } }`, { id: halted.runId })).toBe('FORBIDDEN');

    const { approveSyncRun } = await owner.ok<{ approveSyncRun: { status: string; reason: string; counts: { deactivated: number; updated: number } } }>(
      `mutation($id: ID!) { approveSyncRun(id: $id) { status reason counts { deactivated updated } } }`,
      { id: halted.runId },
    );
    expect(approveSyncRun).toEqual({ status: 'SUCCEEDED', reason: 'approved by ada@acme.test', counts: { deactivated: 1, updated: 1 } });
    const people = await owner.ok<{ people: { edges: Array<{ node: { uid: string; status: string } }> } }>(`query($l: ID!) { people(listId: $l, status: ALL) { edges { node { uid status } } } }`, { l: listId });
    expect(people.people.edges.map((e) => `${e.node.uid}:${e.node.status}`).sort()).toEqual(['E0:ACTIVE', 'E9:INACTIVE']);
    expect(await owner.errorCode(`mutation($id: ID!) { approveSyncRun(id: $id) { id } }`, { id: halted.runId })).toBe('CONFLICT');

    // Bring E9 back, then halt again and cancel: nothing is written.
    await runner.run({ organizationId: orgId, listId, source: only([0, 9]), trigger: 'MANUAL', mode: 'FULL', actor });
    const again = await runner.run({ organizationId: orgId, listId, source: only([0]), trigger: 'SCHEDULE', mode: 'FULL', actor });
    expect(again.status).toBe('HALTED');
    const { cancelSyncRun } = await owner.ok<{ cancelSyncRun: { status: string; reason: string } }>(`mutation($id: ID!) { cancelSyncRun(id: $id) { status reason } }`, { id: again.runId });
    expect(cancelSyncRun).toEqual({ status: 'CANCELLED', reason: 'cancelled by ada@acme.test' });
    const after = await owner.ok<{ people: { totalCount: number } }>(`query($l: ID!) { people(listId: $l) { totalCount } }`, { l: listId });
    expect(after.people.totalCount).toBe(2);
    expect(await owner.errorCode(`mutation($id: ID!) { cancelSyncRun(id: $id) { id } }`, { id: again.runId })).toBe('CONFLICT');
  });

  it('disconnect keeps every person, unlocks the fields, and waits for a running run', async () => {
    await server.app.orm.em.getConnection().execute(`UPDATE master_list SET sync_provider = 'entra' WHERE id = ?`, [listId]);
    const LIST = `query($l: ID!) { masterList(id: $l) { syncProvider fields { key locked } } people(listId: $l, status: ALL) { totalCount } }`;
    type ListState = { masterList: { syncProvider: string | null; fields: Array<{ key: string; locked: boolean }> }; people: { totalCount: number } };
    const before = await owner.ok<ListState>(LIST, { l: listId });
    expect(before.masterList.fields.every((f) => f.locked)).toBe(true);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = runner.run({
      organizationId: orgId,
      listId,
      trigger: 'MANUAL',
      mode: 'FULL',
      actor,
      source: { name: 'entra', async *pages() { await gate; yield [{ anchor: 'obj-0', active: true, attributes: { employeeId: 'E0', mail: '0@x.test' } }, { anchor: 'obj-9', active: true, attributes: { employeeId: 'E9', mail: '9@x.test' } }]; } },
    });
    await expect.poll(async () => (await owner.ok<{ syncRuns: Array<{ status: string }> }>(`query($l: ID!) { syncRuns(listId: $l, first: 1) { status } }`, { l: listId })).syncRuns[0]!.status).toBe('RUNNING');
    expect(await owner.errorCode(`mutation($l: ID!) { disconnectSync(listId: $l) { id } }`, { l: listId })).toBe('CONFLICT');
    release();
    await running;

    const { disconnectSync } = await owner.ok<{ disconnectSync: { syncProvider: string | null } }>(`mutation($l: ID!) { disconnectSync(listId: $l) { syncProvider } }`, { l: listId });
    expect(disconnectSync.syncProvider).toBeNull();
    const after = await owner.ok<ListState>(LIST, { l: listId });
    expect(after.masterList.fields.some((f) => f.locked)).toBe(false);
    expect(after.people.totalCount).toBe(before.people.totalCount);
    const { auditTrail } = await owner.ok<{ auditTrail: { edges: Array<{ action: string; changes: Array<{ field: string; before: unknown }> }> } }>(
      `query($l: ID!) { auditTrail(listId: $l, first: 1) { edges { action changes { field before } } } }`,
      { l: listId },
    );
    expect(auditTrail.edges[0]).toEqual({ action: 'sync.disconnected', changes: [{ field: 'syncProvider', before: 'entra' }, { field: 'unlockedFields', before: ['email', 'employee_id'] }] });
    expect(await owner.errorCode(`mutation($l: ID!) { disconnectSync(listId: $l) { id } }`, { l: listId })).toBe('CONFLICT');
  });

  it('hides runs of other organisations and unknown lists', async () => {
    expect(await owner.errorCode(`query { syncRun(id: "00000000-0000-4000-8000-000000000000") { id } }`)).toBe('NOT_FOUND');
    expect(await owner.errorCode(`query { syncRuns(listId: "00000000-0000-4000-8000-000000000000") { id } }`)).toBe('NOT_FOUND');
    expect(await owner.errorCode(`query($l: ID!) { syncRuns(listId: $l, first: 500) { id } }`, { l: listId })).toBe('BAD_USER_INPUT');
    expect(await server.client.errorCode(`query($l: ID!) { syncRuns(listId: $l) { id } }`, { l: listId })).toBe('UNAUTHENTICATED');
  });
});

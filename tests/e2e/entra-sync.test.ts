import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { setupOwner, startServer, addMember, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, syncAndWait, waitForRun } from '../support/entra.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

describe('Entra ID sync through GraphQL against the Graph simulator', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: '1,1' });
    owner = await setupOwner(server);
    connectionId = await createConnection(owner, sim);
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  /**
   * Grants or withdraws one of the app's Graph permissions. As in Entra, a token carries the roles
   * granted when it was issued and runs reuse their token, so the change shows from the next
   * token: the simulator forgets the tokens it issued (Graph answers 401, Rollcall asks anew).
   */
  const setPermission = (role: string, granted: boolean) => {
    const app = sim.directory.apps.get(sim.app.clientId)!;
    if (granted) app.roles.add(role);
    else app.roles.delete(role);
    sim.sim.revokeTokens();
  };

  describe('testEntraConnection', () => {
    const TEST = `mutation($id: ID!) { testEntraConnection(id: $id) { ok problem message userCount groupCount connection { lastTestOk lastTestMessage lastTestProblem lastTestedAt } } }`;
    type Result = { testEntraConnection: { ok: boolean; problem: string | null; message: string; userCount: number | null; groupCount: number | null; connection: { lastTestOk: boolean; lastTestMessage: string; lastTestProblem: string | null; lastTestedAt: string } } };

    it('counts users and groups through a real token and records the outcome', async () => {
      sim.directory.seedUsers(3);
      sim.directory.addGroup('Teachers');
      const { testEntraConnection: t } = await owner.ok<Result>(TEST, { id: connectionId });
      expect(t).toMatchObject({ ok: true, problem: null, userCount: 3, groupCount: 1 });
      expect(t.message).toBe('Connected: 3 users and 1 group are visible.');
      expect(t.connection).toMatchObject({ lastTestOk: true, lastTestProblem: null });
      // A new name keeps the outcome; new credentials need a new test.
      const UPDATE = `mutation($id: ID!, $i: UpdateEntraConnectionInput!) { updateEntraConnection(id: $id, input: $i) { name lastTestOk lastTestProblem } }`;
      expect((await owner.ok<{ updateEntraConnection: unknown }>(UPDATE, { id: connectionId, i: { name: 'Contoso HQ' } })).updateEntraConnection).toEqual({ name: 'Contoso HQ', lastTestOk: true, lastTestProblem: null });
      expect((await owner.ok<{ updateEntraConnection: unknown }>(UPDATE, { id: connectionId, i: { clientSecret: sim.app.secret } })).updateEntraConnection).toEqual({ name: 'Contoso HQ', lastTestOk: null, lastTestProblem: null });
      expect(sim.sim.count('POST /token')).toBeGreaterThanOrEqual(1);
      // Every test proves the credentials work now: it never reuses a token.
      sim.sim.resetCounts();
      expect((await owner.ok<Result>(TEST, { id: connectionId })).testEntraConnection.ok).toBe(true);
      expect(sim.sim.count('POST /token')).toBe(1);
    });

    it.each([
      ['tenantId', '0b0e6d1c-1111-4222-8333-944445555666', 'TENANT', /tenant ID was not found/],
      ['clientId', '7d7e0f4a-2222-4333-8444-a55556666777', 'CLIENT_ID', /client ID is not an application/],
      ['clientSecret', 'wrong~secret~value', 'SECRET', /client secret is wrong/],
    ])('names the wrong %s', async (field, value, problem, message) => {
      const id = await createConnection(owner, { ...sim, connectionInput: { ...sim.connectionInput, [field]: value } } as Sim, `Bad ${field}`);
      const { testEntraConnection: t } = await owner.ok<Result>(TEST, { id });
      expect(t.ok).toBe(false);
      expect(t.problem).toBe(problem);
      expect(t.message).toMatch(message);
      expect(t.connection).toMatchObject({ lastTestOk: false, lastTestProblem: problem });
      expect(JSON.stringify(t)).not.toContain(sim.app.secret);
    });

    it('names the missing permission', async () => {
      const limited = sim.directory.registerApp(['User.Read.All']);
      const id = await createConnection(owner, { ...sim, connectionInput: { ...sim.connectionInput, clientId: limited.clientId, clientSecret: limited.secret } } as Sim, 'No groups');
      const { testEntraConnection: t } = await owner.ok<Result>(TEST, { id });
      expect(t).toMatchObject({ ok: false, problem: 'PERMISSION' });
      expect(t.message).toMatch(/GroupMember\.Read\.All/);
    });

    it('is for administrators only', async () => {
      const viewer = await addMember(server, owner, { email: 'vic@acme.test', role: 'VIEWER' });
      expect(await viewer.client.errorCode(TEST, { id: connectionId })).toBe('FORBIDDEN');
    });
  });

  describe('a list synced from all users', () => {
    let listId: string;
    let ids: string[];

    beforeAll(async () => {
      ids = sim.directory.seedUsers(2100);
      listId = await createStaffList(owner, 'All staff');
    });

    it('offers the catalogue by category with samples and suggestions', async () => {
      sim.directory.registerExtension('studentHouse');
      // Listing directory extensions needs Directory.Read.All; without it the catalogue still works (tested below).
      setPermission('Directory.Read.All', true);
      const { entraSourceFields } = await owner.ok<{ entraSourceFields: Array<{ attribute: string; category: string; samples: string[]; suggestedFieldKey: string | null }> }>(
        `query($c: ID!, $l: ID!) { entraSourceFields(connectionId: $c, listId: $l) { attribute category samples suggestedFieldKey suggestedType mappedFieldKey } }`,
        { c: connectionId, l: listId },
      );
      const by = new Map(entraSourceFields.map((f) => [f.attribute, f]));
      expect(by.get('mail')).toMatchObject({ category: 'CONTACT', suggestedFieldKey: 'email' });
      expect(by.get('employeeId')).toMatchObject({ category: 'IDENTITY', suggestedFieldKey: 'employee_id' });
      expect(by.get('employeeId')!.samples.length).toBeGreaterThan(0);
      expect(by.get('onPremisesExtensionAttributes.extensionAttribute1')).toMatchObject({ category: 'ON_PREMISES' });
      expect(by.get('onPremisesExtensionAttributes.extensionAttribute1')!.samples[0]).toMatch(/^Badge-/);
      expect([...by.keys()].some((a) => /^extension_[0-9a-f]{32}_studentHouse$/.test(a))).toBe(true);
      expect(new Set(entraSourceFields.map((f) => f.category))).toEqual(new Set(['IDENTITY', 'CONTACT', 'ORGANIZATION', 'ACCOUNT', 'ON_PREMISES', 'EXTENSION']));
      setPermission('Directory.Read.All', false);
      const { entraSourceFields: without } = await owner.ok<{ entraSourceFields: Array<{ category: string }> }>(
        `query($c: ID!, $l: ID!) { entraSourceFields(connectionId: $c, listId: $l) { category } }`,
        { c: connectionId, l: listId },
      );
      expect(without.some((f) => f.category === 'EXTENSION')).toBe(false);
      expect(without.length).toBeGreaterThan(40);
    });

    it('configures the list: mappings lock fields, target fields are created, the UID is required to be mapped', async () => {
      expect(await owner.errorCode(`mutation($i: ConfigureEntraSyncInput!) { configureEntraSync(input: $i) { listId } }`, {
        i: { listId, connectionId, scope: { kind: 'ALL_USERS' }, uidFieldKey: 'badge_note', mappings: [{ sourceAttribute: 'mail', fieldKey: 'email' }] },
      })).toBe('BAD_USER_INPUT');
      const status = await configure(owner, { listId, connectionId });
      expect(status).toMatchObject({ provider: 'entra', scope: { kind: 'ALL_USERS', enabledOnly: true }, intervalMinutes: null });
      expect((status.mappings as Array<{ field: { key: string } }>).map((m) => m.field.key)).toEqual(['employee_id', 'email', 'given_name', 'surname', 'department']);
      const { masterList } = await owner.ok<{ masterList: { fields: Array<{ key: string; locked: boolean }> } }>(`query($l: ID!) { masterList(id: $l) { fields { key locked } } }`, { l: listId });
      expect(Object.fromEntries(masterList.fields.map((f) => [f.key, f.locked]))).toEqual({ employee_id: true, email: true, badge_note: false, given_name: true, surname: true, department: true });
    });

    it('a refused configuration writes nothing: no new field, no UID change; a new field may not take an existing key', async () => {
      const CONFIGURE = `mutation($i: ConfigureEntraSyncInput!) { configureEntraSync(input: $i) { listId } }`;
      const other = await createStaffList(owner, 'Refusals');
      await owner.ok(`mutation($l: ID!) { createPerson(listId: $l, values: { employee_id: "HAND-1", email: "hand@x.test" }) { id } }`, { l: other });
      const fieldsOf = async () => (await owner.ok<{ masterList: { uidField: { key: string }; fields: Array<{ key: string }> } }>(`query($l: ID!) { masterList(id: $l) { uidField { key } fields { key } } }`, { l: other })).masterList;
      const before = await fieldsOf();
      // The new UID field would be empty for the person already in the list: refused, and the
      // fields created on the way are gone with it.
      const refused = await owner.request(CONFIGURE, {
        i: { listId: other, connectionId, scope: { kind: 'ALL_USERS' }, uidFieldKey: 'upn', mappings: [
          { sourceAttribute: 'userPrincipalName', fieldKey: 'upn', createField: { label: 'UPN', type: 'TEXT' } },
          { sourceAttribute: 'department', createField: { label: 'Department', type: 'TEXT' } },
        ] },
      });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'uidFieldKey' });
      expect(refused.errors?.[0]?.message).toMatch(/1 person has no "UPN"/);
      expect(await fieldsOf()).toEqual(before);
      expect((await owner.ok<{ listSync: { provider: string | null } }>(`query($l: ID!) { listSync(listId: $l) { provider } }`, { l: other })).listSync.provider).toBeNull();
      const taken = await owner.request(CONFIGURE, {
        i: { listId: other, connectionId, scope: { kind: 'ALL_USERS' }, uidFieldKey: 'employee_id', mappings: [
          { sourceAttribute: 'employeeId', fieldKey: 'employee_id' },
          { sourceAttribute: 'mail', fieldKey: 'email', createField: { label: 'Work email', type: 'EMAIL' } },
        ] },
      });
      expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'mappings.1.fieldKey' });
      // Without a key, a new field steps aside from an existing one.
      await owner.ok(`mutation($l: ID!) { addField(listId: $l, input: { key: "department", label: "Department (by hand)", type: TEXT }) { id } }`, { l: other });
      const stepped = await configure(owner, { listId: other, connectionId, mappings: [
        { sourceAttribute: 'employeeId', fieldKey: 'employee_id' },
        { sourceAttribute: 'mail', fieldKey: 'email' },
        { sourceAttribute: 'department', createField: { label: 'Department', type: 'TEXT' } },
      ] });
      expect((stepped.mappings as Array<{ field: { key: string } }>).map((m) => m.field.key)).toEqual(['employee_id', 'email', 'department_2']);
      await owner.ok(`mutation($l: ID!) { disconnectSync(listId: $l) { id } }`, { l: other });
    });

    it('runs a full read in ceil(N/999) pages of the mapped properties only, after taking the delta token', async () => {
      sim.sim.resetCounts();
      const n = sim.directory.userCount;
      const run = await syncAndWait(owner, listId, 'DELTA');
      expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'DELTA', trigger: 'MANUAL' });
      expect(run.reason).toMatch(/first run of a list is a full read/);
      expect(run.counts).toMatchObject({ seen: n, created: n, updated: 0, deactivated: 0, errors: 0 });
      expect(sim.sim.count('GET /users')).toBe(Math.ceil(n / 999));
      expect(sim.sim.count('GET /users/delta')).toBe(1);
      const userPages = sim.sim.log.filter((l) => l.route === 'GET /users');
      expect(decodeURIComponent(userPages[0]!.url)).toContain('$select=accountEnabled,department,employeeId,givenName,id,mail,surname');
      expect(decodeURIComponent(sim.sim.log.find((l) => l.route === 'GET /users/delta')!.url)).toContain('$deltatoken=latest');
      const all = await people(owner, listId);
      expect(all.size).toBe(n);
      const u0 = sim.directory.user(ids[0]!)!;
      expect(all.get(String(u0.employeeId))!.values).toMatchObject({ email: String(u0.mail).toLowerCase(), given_name: u0.givenName, department: u0.department });
    });

    it('writes nothing when nothing changed (delta and full)', async () => {
      sim.sim.resetCounts();
      const delta = await syncAndWait(owner, listId, 'DELTA');
      // The run reused the connection's token from the run before: no metadata or token request.
      expect(sim.sim.count('POST /token')).toBe(0);
      expect(sim.sim.count(/openid-configuration/)).toBe(0);
      expect(sim.sim.count('GET /users/delta')).toBe(1);
      expect(delta.counts).toMatchObject({ seen: 0, created: 0, updated: 0, deactivated: 0 });
      const n = sim.directory.userCount;
      const full = await syncAndWait(owner, listId, 'FULL');
      expect(full.counts).toMatchObject({ seen: n, created: 0, updated: 0, deactivated: 0, reactivated: 0, unchanged: n });
      // No write, audit entry or event for an unchanged person.
      const [row] = await server.app.orm.em.getConnection().execute<Array<{ audits: string }>>(
        `SELECT count(*)::text AS audits FROM audit_entry WHERE list_id = ? AND at > now() - interval '1 minute' AND entity_type = 'person' AND action <> 'person.created'`,
        [listId],
      );
      expect(row!.audits).toBe('0');
    });

    it('delta: applies adds, changes, disables and deletes; local-only fields stay', async () => {
      const d = sim.directory;
      const u1 = d.user(ids[1]!)!;
      const { people: found } = await owner.ok<{ people: { edges: Array<{ node: { id: string } }> } }>(`query($l: ID!, $s: String!) { people(listId: $l, search: $s) { edges { node { id } } } }`, { l: listId, s: String(u1.employeeId) });
      const personId = found.edges[0]!.node.id;
      await owner.ok(`mutation($id: ID!) { updatePerson(id: $id, values: { badge_note: "Lanyard: blue" }) { id } }`, { id: personId });
      expect(await owner.errorCode(`mutation($id: ID!) { updatePerson(id: $id, values: { department: "Hacked" }) { id } }`, { id: personId })).toBe('FIELD_LOCKED');
      d.updateUser(ids[1]!, { department: 'Astronomy' });
      d.updateUser(ids[2]!, { accountEnabled: false });
      d.deleteUser(ids[3]!);
      const added = d.addUser({ ...d.user(ids[0]!)!, id: undefined as unknown as string, employeeId: 'NEW-1', mail: 'New.Person@contoso.onmicrosoft.com' });
      d.updateUser(ids[4]!, { mail: 'Renamed@Contoso.onmicrosoft.com' });
      sim.sim.resetCounts();
      const run = await syncAndWait(owner, listId, 'DELTA');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.counts).toMatchObject({ created: 1, updated: 2, deactivated: 2, errors: 0 });
      // The delta round alone: the newcomer arrives complete in it (Graph's default answer).
      expect(sim.sim.count('GET /users')).toBe(0);
      expect(sim.sim.count('GET /users/delta')).toBe(1);
      expect(sim.sim.count('POST /$batch')).toBe(0);
      const all = await people(owner, listId);
      expect(all.get(String(u1.employeeId))!.values.department).toBe('Astronomy');
      // A delta record of someone already here is compared on what it carries; the rest stays.
      expect(all.get(String(u1.employeeId))!.values.email).toBe(String(u1.mail).toLowerCase());
      expect(all.get(String(u1.employeeId))!.values.badge_note).toBe('Lanyard: blue');
      expect(all.get(String(d.user(ids[2]!)!.employeeId))!.status).toBe('INACTIVE');
      expect([...all.values()].filter((p) => p.status === 'INACTIVE')).toHaveLength(2);
      expect(all.get('NEW-1')).toMatchObject({ status: 'ACTIVE', values: { email: 'new.person@contoso.onmicrosoft.com' } });
      expect(all.get(String(d.user(ids[4]!)!.employeeId))!.values.email).toBe('renamed@contoso.onmicrosoft.com');
      expect(added.id).toBeTruthy();
      // Re-enabled accounts come back.
      d.updateUser(ids[2]!, { accountEnabled: true });
      const back = await syncAndWait(owner, listId, 'DELTA');
      expect(back.counts).toMatchObject({ reactivated: 1, deactivated: 0, created: 0 });
    });

    it('falls back to a full read when Graph says the delta state is gone', async () => {
      sim.directory.expireDeltaTokens();
      sim.directory.updateUser(ids[5]!, { jobTitle: 'ignored', department: 'Geology' });
      sim.sim.resetCounts();
      const run = await syncAndWait(owner, listId, 'DELTA');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.reason).toMatch(/delta state/);
      expect(run).toMatchObject({ mode: 'DELTA', readInFull: true });
      expect(run.counts.updated).toBe(1);
      expect(sim.sim.count('GET /users')).toBe(Math.ceil(sim.directory.userCount / 999));
      const next = await syncAndWait(owner, listId, 'DELTA');
      expect(next).toMatchObject({ status: 'SUCCEEDED', reason: null, readInFull: false });
      // 410 Gone on a delta link means the same, whatever its error code.
      sim.directory.updateUser(ids[5]!, { department: 'Botany' });
      sim.sim.faults.push({ route: /^GET \/users\/delta$/, status: 410, times: 1 });
      const gone = await syncAndWait(owner, listId, 'DELTA');
      expect(gone).toMatchObject({ status: 'SUCCEEDED', counts: expect.objectContaining({ updated: 1 }) });
      expect(gone.reason).toMatch(/delta state/);
    });

    it('rides out a 429 storm and a dropped connection, honouring Retry-After', async () => {
      sim.directory.updateUser(ids[6]!, { department: 'Music' });
      sim.sim.faults.push({ status: 429, retryAfterSeconds: 1, times: 3 }, { status: 'reset', times: 1 }, { status: 503, retryAfterSeconds: 0, times: 1 });
      sim.sim.resetCounts();
      const started = Date.now();
      const run = await syncAndWait(owner, listId, 'FULL');
      expect(run.status).toBe('SUCCEEDED');
      expect(run.counts.updated).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
      expect(sim.sim.log.filter((l) => l.status === 429)).toHaveLength(3);
      expect(sim.sim.log.filter((l) => l.status === 'reset')).toHaveLength(1);
    });

    it('renews a token Graph no longer accepts, and fails a run with the reason when access is withdrawn', async () => {
      sim.directory.updateUser(ids[8]!, { department: 'Art' });
      // Graph refuses the token in the middle of the run (revoked or expired early).
      sim.sim.faults.push({ status: 401, times: 1 });
      sim.sim.resetCounts();
      const renewed = await syncAndWait(owner, listId, 'DELTA');
      expect(renewed).toMatchObject({ status: 'SUCCEEDED', counts: expect.objectContaining({ updated: 1 }) });
      expect(sim.sim.log.filter((l) => l.status === 401)).toHaveLength(1);
      // The run started with the token it shared with earlier runs, and asked for one new token.
      expect(sim.sim.count('POST /token')).toBe(1);
      setPermission('User.Read.All', false);
      try {
        const failed = await syncAndWait(owner, listId, 'FULL');
        expect(failed.status).toBe('FAILED');
        expect(failed.reason).toMatch(/User\.Read\.All/);
      } finally {
        setPermission('User.Read.All', true);
      }
      // Nothing was lost: the next run has nothing to do.
      expect((await syncAndWait(owner, listId, 'FULL')).counts).toMatchObject({ created: 0, updated: 0, deactivated: 0 });
    });

    it('retries a run that failed for a passing reason by itself (trigger RETRY), a bounded number of times', async () => {
      sim.directory.updateUser(ids[9]!, { department: 'Dance' });
      // Six 429s in a row exhaust one run's attempts; the automatic retry a second later succeeds.
      sim.sim.faults.push({ status: 429, retryAfterSeconds: 0, times: 6 });
      const failed = await syncAndWait(owner, listId, 'DELTA');
      expect(failed.status).toBe('FAILED');
      expect(failed.reason).toMatch(/retries by itself in 1 s, attempt 1 of 2/);
      let runs: Array<{ id: string; trigger: string; status: string }> = [];
      for (let i = 0; i < 100; i++) {
        runs = (await owner.ok<{ syncRuns: typeof runs }>(`query($l: ID!) { syncRuns(listId: $l, first: 1) { id trigger status } }`, { l: listId })).syncRuns;
        if (runs[0]!.id !== failed.id && !['QUEUED', 'RUNNING'].includes(runs[0]!.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(runs[0]).toMatchObject({ trigger: 'RETRY', status: 'SUCCEEDED' });
      expect((await waitForRun(owner, runs[0]!.id)).counts.updated).toBe(1);
      // A permanent failure is not retried.
      setPermission('User.Read.All', false);
      const denied = await syncAndWait(owner, listId, 'DELTA').finally(() => setPermission('User.Read.All', true));
      expect(denied.status).toBe('FAILED');
      expect(denied.reason).not.toMatch(/retries by itself/);
    });

    it('halts a run that would deactivate too many, keeps its plan, and applies it on approval', async () => {
      const victims = ids.slice(100, 600);
      for (const id of victims) sim.directory.deleteUser(id);
      const run = await syncAndWait(owner, listId, 'DELTA');
      expect(run.status).toBe('HALTED');
      expect(run.reason).toMatch(/500 people would be deactivated|more than the limit/);
      expect([...(await people(owner, listId)).values()].filter((p) => p.status === 'INACTIVE')).toHaveLength(1);
      const { syncRun } = await owner.ok<{ syncRun: { preview: { deactivations: Array<{ uid: string; reason: string }> } } }>(
        `query($id: ID!) { syncRun(id: $id) { preview(first: 5) { deactivations { uid reason } } } }`,
        { id: run.id },
      );
      expect(syncRun.preview.deactivations).toHaveLength(5);
      expect(syncRun.preview.deactivations[0]!.reason).toBe('removed_from_scope');
      // A newer run reads the directory again: the older held plan is out of date and can no
      // longer be approved; the newer one holds the same departures.
      const again = await syncAndWait(owner, listId, 'DELTA');
      expect(again).toMatchObject({ status: 'HALTED', counts: { deactivated: 500 } });
      const old = await waitForRun(owner, run.id);
      expect(old).toMatchObject({ status: 'CANCELLED', reason: expect.stringMatching(/^superseded/) });
      expect(await owner.errorCode(`mutation($id: ID!) { approveSyncRun(id: $id) { id } }`, { id: run.id })).toBe('CONFLICT');
      const { approveSyncRun } = await owner.ok<{ approveSyncRun: { status: string; counts: { deactivated: number } } }>(`mutation($id: ID!) { approveSyncRun(id: $id) { status counts { deactivated } } }`, { id: again.id });
      expect(approveSyncRun).toMatchObject({ status: 'SUCCEEDED', counts: { deactivated: 500 } });
      // The delta link was not advanced by the halted run; the next delta re-reads and finds nothing new to do.
      const after = await syncAndWait(owner, listId, 'DELTA');
      expect(after.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0 });
    });

    it('streams live progress of a queued run at least once a second, then its final state', async () => {
      sim.sim.latencyMs = 700;
      const { syncNow } = await owner.ok<{ syncNow: { id: string; status: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id status } }`, { l: listId });
      expect(['QUEUED', 'RUNNING']).toContain(syncNow.status);
      const ws = owner.ws();
      const seen: Array<{ at: number; status: string; phase: string; seen: number }> = [];
      await new Promise<void>((resolve, reject) =>
        ws.subscribe<{ syncRunProgress: { status: string; phase: string; counts: { seen: number } } }>(
          { query: `subscription($id: ID!) { syncRunProgress(runId: $id) { status phase counts { seen } } }`, variables: { id: syncNow.id } },
          {
            next: (m) => (m.errors ? reject(new Error(JSON.stringify(m.errors))) : seen.push({ at: Date.now(), ...m.data!.syncRunProgress, seen: m.data!.syncRunProgress.counts.seen })),
            error: reject,
            complete: resolve,
          },
        ),
      );
      await ws.dispose();
      sim.sim.latencyMs = 0;
      const running = seen.filter((e) => e.status === 'RUNNING');
      expect(running.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < running.length; i++) expect(running[i]!.at - running[i - 1]!.at).toBeLessThan(1600);
      expect(running.map((e) => e.seen)).toEqual([...running.map((e) => e.seen)].sort((a, b) => a - b));
      expect(seen.at(-1)).toMatchObject({ status: 'SUCCEEDED', phase: 'DONE', seen: sim.directory.userCount });
    });

    it('refuses a second run while one is queued or running', async () => {
      const first = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
      const second = await owner.request(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
      expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(second.errors?.[0]?.message).toMatch(/already in progress/);
      await waitForRun(owner, first.syncNow.id);
    });

    it('a dry run shows the plan and writes nothing', async () => {
      sim.directory.updateUser(ids[7]!, { department: 'Drama' });
      const run = await syncAndWait(owner, listId, 'DRY_RUN');
      expect(run.counts.updated).toBe(1);
      const all = await people(owner, listId);
      expect(all.get(String(sim.directory.user(ids[7]!)!.employeeId))!.values.department).not.toBe('Drama');
    });
  });

  describe('a list synced from one group, nested groups included', () => {
    let listId: string;
    let staff: string[];
    let nestedGroup: string;
    let group: string;
    let outsider: string;

    beforeAll(async () => {
      staff = sim.directory.seedUsers(30, (i, u) => {
        u.employeeId = `G${i}`;
      });
      outsider = sim.directory.seedUsers(1, (_, u) => {
        u.employeeId = 'OUT-1';
      })[0]!;
      nestedGroup = sim.directory.addGroup('Science teachers', staff.slice(20));
      group = sim.directory.addGroup('All teachers', [...staff.slice(0, 20), nestedGroup]);
      listId = await createStaffList(owner, 'Teachers');
    });

    it('finds groups by name with transitive member counts', async () => {
      const { entraGroups } = await owner.ok<{ entraGroups: Array<{ id: string; displayName: string; memberCount: number }> }>(
        `query($c: ID!, $s: String) { entraGroups(connectionId: $c, search: $s) { id displayName memberCount } }`,
        { c: connectionId, s: 'teach' },
      );
      // "Teachers" (empty) was made by the connection test above.
      expect(entraGroups.map((g) => [g.displayName, g.memberCount])).toEqual([['All teachers', 30], ['Science teachers', 10], ['Teachers', 0]]);
    });

    it('syncs transitive members and follows group moves in delta runs', async () => {
      const status = await configure(owner, { listId, connectionId, scope: { kind: 'GROUP', groupId: group } });
      expect(status.scope).toMatchObject({ kind: 'GROUP', groupId: group, groupName: 'All teachers' });
      const first = await syncAndWait(owner, listId);
      expect(first.counts).toMatchObject({ created: 30, seen: 30 });
      sim.directory.removeMember(nestedGroup, staff[25]!);
      sim.directory.addMember(group, outsider);
      sim.directory.updateUser(staff[0]!, { department: 'Physics' });
      // The newcomer did not change, so users delta does not mention them: they are read in full
      // through a JSON batch, whose part is throttled once.
      sim.sim.resetCounts();
      sim.sim.faults.push({ route: /^BATCH GET \/users\/\{id\}$/, status: 429, retryAfterSeconds: 0, times: 1 });
      const delta = await syncAndWait(owner, listId, 'DELTA');
      expect(delta.counts).toMatchObject({ created: 1, deactivated: 1, updated: 1 });
      expect(sim.sim.count('BATCH GET /users/{id}')).toBe(2);
      const all = await people(owner, listId);
      expect(all.get('G25')!.status).toBe('INACTIVE');
      expect(all.get('OUT-1')!.status).toBe('ACTIVE');
      expect(all.get('G0')!.values.department).toBe('Physics');
      // Back into the group: reactivated by the next delta run.
      sim.directory.addMember(nestedGroup, staff[25]!);
      expect((await syncAndWait(owner, listId, 'DELTA')).counts).toMatchObject({ reactivated: 1 });
    });

    it('refuses a second sync provider with the reason', async () => {
      const other = await createStaffList(owner, 'Visitors');
      await server.app.orm.em.getConnection().execute(`UPDATE master_list SET sync_provider = 'scim' WHERE id = ?`, [other]);
      const res = await owner.request(`mutation($i: ConfigureEntraSyncInput!) { configureEntraSync(input: $i) { listId } }`, {
        i: { listId: other, connectionId, scope: { kind: 'ALL_USERS' }, uidFieldKey: 'employee_id', mappings: [{ sourceAttribute: 'employeeId', fieldKey: 'employee_id' }] },
      });
      expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect(res.errors?.[0]?.message).toMatch(/synced by SCIM/);
    });

    it('a connection in use cannot be removed; disconnecting keeps people and unlocks fields', async () => {
      expect(await owner.errorCode(`mutation($id: ID!) { removeEntraConnection(id: $id) }`, { id: connectionId })).toBe('CONFLICT');
      const usedBy = async () => (await owner.ok<{ entraConnection: { lists: Array<{ id: string }> } }>(`query($id: ID!) { entraConnection(id: $id) { lists { id name } } }`, { id: connectionId })).entraConnection.lists.map((l) => l.id);
      expect(await usedBy()).toContain(listId);
      const before = await people(owner, listId);
      await owner.ok(`mutation($l: ID!) { disconnectSync(listId: $l) { id syncProvider } }`, { l: listId });
      const after = await people(owner, listId);
      expect(after.size).toBe(before.size);
      const { listSync } = await owner.ok<{ listSync: { provider: string | null; scope: unknown; mappings: unknown[] } }>(`query($l: ID!) { listSync(listId: $l) { provider scope { kind } mappings { sourceAttribute } } }`, { l: listId });
      expect(listSync).toEqual({ provider: null, scope: null, mappings: [] });
      expect(await usedBy()).not.toContain(listId);
      expect(await owner.errorCode(`mutation($l: ID!) { syncNow(listId: $l) { id } }`, { l: listId })).toBe('CONFLICT');
    });
  });

  describe('profile photos', () => {
    let listId: string;
    let users: string[];
    const jpeg = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`photo ${n}`), Buffer.from([0xff, 0xd9])]);

    beforeAll(async () => {
      users = sim.directory.seedUsers(5, (i, u) => {
        u.employeeId = `P${i}`;
        u.department = 'Photography';
      });
      sim.directory.setPhoto(users[0]!, jpeg(0));
      sim.directory.setPhoto(users[1]!, jpeg(1));
      sim.directory.setPhoto(users[2]!, jpeg(2));
      const group = sim.directory.addGroup('Photographers', users);
      listId = await createStaffList(owner, 'Badges');
      await configure(owner, {
        listId,
        connectionId,
        scope: { kind: 'GROUP', groupId: group },
        mappings: [
          { sourceAttribute: 'employeeId', fieldKey: 'employee_id' },
          { sourceAttribute: 'mail', fieldKey: 'email' },
          { sourceAttribute: 'photo', createField: { label: 'Photo', type: 'PHOTO' } },
        ],
      });
    });

    it('imports photos, serves them to members only, and leaves the photo field editable', async () => {
      sim.sim.resetCounts();
      const run = await syncAndWait(owner, listId, 'FULL');
      expect(run.status).toBe('SUCCEEDED');
      const { syncRun } = await owner.ok<{ syncRun: { counts: { photos: number } } }>(`query($id: ID!) { syncRun(id: $id) { counts { photos } } }`, { id: run.id });
      expect(syncRun.counts.photos).toBe(3);
      expect(sim.sim.count('GET /users/{id}/photo/$value')).toBe(3);
      const all = await people(owner, listId);
      const p0 = all.get('P0')!;
      expect(p0.values.photo).toMatch(/^\/photos\/[0-9a-f-]{36}\?v=[0-9a-f]{16}$/);
      expect(all.get('P3')!.values.photo).toBeUndefined();
      const url = `${server.url}${String(p0.values.photo)}`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: `Bearer ${owner.token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(jpeg(0));
      const { masterList } = await owner.ok<{ masterList: { fields: Array<{ key: string; locked: boolean }> } }>(`query($l: ID!) { masterList(id: $l) { fields { key locked } } }`, { l: listId });
      expect(masterList.fields.find((f) => f.key === 'photo')!.locked).toBe(false);
    });

    it('downloads no photo when none changed, and only the changed one otherwise', async () => {
      sim.sim.resetCounts();
      const same = await syncAndWait(owner, listId, 'FULL');
      expect(same.counts).toMatchObject({ updated: 0, photos: 0 });
      expect(sim.sim.count('GET /users/{id}/photo/$value')).toBe(0);
      sim.directory.setPhoto(users[1]!, jpeg(11));
      sim.sim.resetCounts();
      const changed = await syncAndWait(owner, listId, 'FULL');
      expect(changed.counts.photos).toBe(1);
      expect(sim.sim.count('GET /users/{id}/photo/$value')).toBe(1);
    });

    it('never overwrites a photo captured in Rollcall', async () => {
      const all = await people(owner, listId);
      const { people: found } = await owner.ok<{ people: { edges: Array<{ node: { id: string } }> } }>(`query($l: ID!) { people(listId: $l, search: "P2") { edges { node { id } } } }`, { l: listId });
      const captured = 'data:image/png;base64,iVBORw0KGgo=';
      await owner.ok(`mutation($id: ID!, $v: JSONObject!) { updatePerson(id: $id, values: $v) { id } }`, { id: found.edges[0]!.node.id, v: { photo: captured } });
      expect(all.get('P2')!.values.photo).not.toBe(captured);
      sim.directory.setPhoto(users[2]!, jpeg(22));
      const run = await syncAndWait(owner, listId, 'FULL');
      expect(run.counts.photos).toBe(0);
      expect((await people(owner, listId)).get('P2')!.values.photo).toBe(captured);
    });
  });
});

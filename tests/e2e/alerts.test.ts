import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { addMember, createSecondOrganisation, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

interface Alert {
  id: string;
  kind: string;
  severity: string;
  title: string;
  message: string;
  raisedAt: string;
  listId: string | null;
  listName: string | null;
  runId: string | null;
  connectionId: string | null;
  connectionName: string | null;
  dismissedAt: string | null;
  dismissedBy: string | null;
}

const FIELDS = 'id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy';
const DAY = 86_400_000;
/** A date `days` from today (UTC), as the connection form takes it. */
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

describe('administrator alerts through GraphQL', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;

  const alerts = async (client = owner, includeDismissed = false): Promise<Alert[]> =>
    (await client.ok<{ alerts: Alert[] }>(`query($d: Boolean!) { alerts(includeDismissed: $d) { ${FIELDS} } }`, { d: includeDismissed })).alerts;
  const setExpiry = (id: string, date: string | null) =>
    owner.ok(`mutation($id: ID!, $d: String) { updateEntraConnection(id: $id, input: { secretExpiresAt: $d }) { id } }`, { id, d: date });

  beforeAll(async () => {
    sim = await startGraphSimulator();
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: 'none' });
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  it('has none while everything works', async () => {
    sim.directory.seedUsers(6);
    const connectionId = await createConnection(owner, sim);
    await setExpiry(connectionId, inDays(90));
    const listId = await createStaffList(owner);
    await configure(owner, { listId, connectionId, deactivationLimitCount: 1, deactivationLimitPercent: 1 });
    expect((await syncAndWait(owner, listId, 'FULL')).status).toBe('SUCCEEDED');
    expect(await alerts()).toEqual([]);
  });

  it('warns 30 days before a client secret expires, and says so again once it has expired', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
    const id = entraConnections[0]!.id;
    await setExpiry(id, inDays(31));
    expect(await alerts()).toEqual([]);
    await setExpiry(id, inDays(12));
    const [soon] = await alerts();
    expect(soon).toMatchObject({ kind: 'SECRET_EXPIRES_SOON', severity: 'WARNING', connectionId: id, connectionName: 'Contoso', listId: null, runId: null, dismissedAt: null });
    expect(soon!.title).toBe(`The client secret of "Contoso" expires on ${inDays(12)}`);
    expect(soon!.message).toMatch(/^That is in 12 days\. Create a new secret under Certificates & secrets/);
    expect(new Date(soon!.raisedAt).toISOString().slice(0, 10)).toBe(inDays(12 - 30));

    await setExpiry(id, inDays(-2));
    const [expired] = await alerts();
    expect(expired).toMatchObject({ kind: 'SECRET_EXPIRED', severity: 'ERROR', connectionId: id });
    expect(expired!.id).not.toBe(soon!.id);
    await setExpiry(id, inDays(90));
    expect(await alerts()).toEqual([]);
  });

  it('raises failing credentials and the failed run from a sync, and clears them when fixed', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
    const connectionId = entraConnections[0]!.id;
    const { masterLists } = await owner.ok<{ masterLists: Array<{ id: string }> }>(`{ masterLists { id } }`);
    const listId = masterLists[0]!.id;
    // The secret is rotated in Entra (or expires): the token endpoint answers 401 invalid_client.
    const app = sim.directory.apps.get(sim.app.clientId)!;
    const original = app.secret;
    app.secret = 'sim~rotated-by-someone-else';
    sim.sim.revokeTokens();
    const run = await syncAndWait(owner, listId, 'DELTA');
    expect(run.status).toBe('FAILED');

    const raised = await alerts();
    expect(raised.map((a) => a.kind).sort()).toEqual(['CREDENTIALS_FAILED', 'SYNC_RUN_FAILED']);
    const credentials = raised.find((a) => a.kind === 'CREDENTIALS_FAILED')!;
    expect(credentials).toMatchObject({ severity: 'ERROR', connectionId, connectionName: 'Contoso', title: 'The Entra connection "Contoso" cannot sign in' });
    expect(credentials.message).toMatch(/client secret is wrong/);
    const failed = raised.find((a) => a.kind === 'SYNC_RUN_FAILED')!;
    expect(failed).toMatchObject({ severity: 'ERROR', listId, listName: 'Staff', runId: run.id, id: `run:${run.id}` });
    expect(failed.message).toContain(run.reason!);

    // A second failure is the same trouble: the credentials alert keeps its id.
    const again = await syncAndWait(owner, listId, 'DELTA');
    const after = await alerts();
    expect(after.find((a) => a.kind === 'CREDENTIALS_FAILED')!.id).toBe(credentials.id);
    expect(after.find((a) => a.kind === 'SYNC_RUN_FAILED')!.runId).toBe(again.id);

    // The administrator saves the new secret: the credentials alert goes; the run alert stays until a sync works.
    app.secret = original;
    await owner.ok(`mutation($id: ID!, $s: String!) { updateEntraConnection(id: $id, input: { clientSecret: $s }) { id } }`, { id: connectionId, s: original });
    expect((await alerts()).map((a) => a.kind)).toEqual(['SYNC_RUN_FAILED']);
    expect((await syncAndWait(owner, listId, 'DELTA')).status).toBe('SUCCEEDED');
    expect(await alerts()).toEqual([]);

    // A connection test that meets a wrong secret raises it too, and a working test clears it.
    app.secret = 'sim~rotated-again';
    const TEST = `mutation($id: ID!) { testEntraConnection(id: $id) { ok problem } }`;
    expect((await owner.ok<{ testEntraConnection: { ok: boolean } }>(TEST, { id: connectionId })).testEntraConnection.ok).toBe(false);
    expect((await alerts()).map((a) => a.kind)).toEqual(['CREDENTIALS_FAILED']);
    app.secret = original;
    expect((await owner.ok<{ testEntraConnection: { ok: boolean } }>(TEST, { id: connectionId })).testEntraConnection.ok).toBe(true);
    expect(await alerts()).toEqual([]);
  });

  it('raises a run held for review, cleared once it is approved', async () => {
    const { masterLists } = await owner.ok<{ masterLists: Array<{ id: string }> }>(`{ masterLists { id } }`);
    const listId = masterLists[0]!.id;
    for (const id of sim.directory.userIds().slice(0, 3)) sim.directory.deleteUser(id);
    const run = await syncAndWait(owner, listId, 'DELTA');
    expect(run.status).toBe('HALTED');
    const [held] = await alerts();
    expect(held).toMatchObject({ kind: 'SYNC_RUN_HALTED', severity: 'WARNING', runId: run.id, listId, title: 'The last sync of "Staff" is held for review' });
    await owner.ok(`mutation($id: ID!) { approveSyncRun(id: $id) { id status } }`, { id: run.id });
    expect(await alerts()).toEqual([]);
  });

  it('lets administrators dismiss an alert until its cause occurs again; viewers read but cannot dismiss; other organisations see none', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
    const id = entraConnections[0]!.id;
    await setExpiry(id, inDays(5));
    const [alert] = await alerts();
    const viewer = (await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER' })).client;
    expect((await alerts(viewer)).map((a) => a.id)).toEqual([alert!.id]);
    const DISMISS = `mutation($id: ID!) { dismissAlert(id: $id) { ${FIELDS} } }`;
    expect(await viewer.errorCode(DISMISS, { id: alert!.id })).toBe('FORBIDDEN');
    const globex = await createSecondOrganisation(server);
    expect(await alerts(globex)).toEqual([]);
    expect(await globex.errorCode(DISMISS, { id: alert!.id })).toBe('NOT_FOUND');
    expect(await owner.errorCode(DISMISS, { id: 'run:00000000-0000-4000-8000-000000000000' })).toBe('NOT_FOUND');

    const { dismissAlert } = await owner.ok<{ dismissAlert: Alert }>(DISMISS, { id: alert!.id });
    expect(dismissAlert).toMatchObject({ id: alert!.id, dismissedBy: 'ada@acme.test' });
    expect(dismissAlert.dismissedAt).toBeTruthy();
    expect(await alerts()).toEqual([]);
    expect(await alerts(viewer)).toEqual([]);
    expect((await alerts(owner, true)).map((a) => a.id)).toEqual([alert!.id]);
    // Dismissing twice is harmless.
    expect((await owner.ok<{ dismissAlert: Alert }>(DISMISS, { id: alert!.id })).dismissAlert.dismissedAt).toBe(dismissAlert.dismissedAt);
    // The secret then expires: a new alert.
    await setExpiry(id, inDays(-1));
    expect((await alerts()).map((a) => a.kind)).toEqual(['SECRET_EXPIRED']);
    await setExpiry(id, inDays(90));
  });

  it('pushes the alerts again over a subscription when a run ends, an expiry changes or an alert is dismissed', async () => {
    const ws = owner.ws();
    const updates = ws.iterate<{ alertsChanged: Alert[] }>({ query: `subscription { alertsChanged { id kind } }` });
    const next = async (): Promise<string[]> => {
      const r = await Promise.race([updates.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no alertsChanged within 10 s')), 10_000))]);
      if (r.done) throw new Error('the subscription ended');
      expect(r.value.errors).toBeUndefined();
      return r.value.data!.alertsChanged.map((a) => a.kind);
    };
    try {
      // Subscribed once the server answers an event: an edit that raises nothing is the first one.
      const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
      const id = entraConnections[0]!.id;
      const first = updates.next();
      for (let i = 0; ; i++) {
        await setExpiry(id, inDays(80 + i));
        if (await Promise.race([first.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500))])) break;
        if (i > 20) throw new Error('the subscription never started');
      }
      await setExpiry(id, inDays(3));
      expect(await next()).toEqual(['SECRET_EXPIRES_SOON']);
      const [alert] = await alerts();
      await owner.ok(`mutation($id: ID!) { dismissAlert(id: $id) { id } }`, { id: alert!.id });
      expect(await next()).toEqual([]);
      const { masterLists } = await owner.ok<{ masterLists: Array<{ id: string }> }>(`{ masterLists { id } }`);
      sim.directory.apps.get(sim.app.clientId)!.roles.delete('User.Read.All');
      sim.sim.revokeTokens();
      const run = await syncAndWait(owner, masterLists[0]!.id, 'DELTA');
      expect(run.status).toBe('FAILED');
      // The run's end, then the connection's failing permission: the last push holds both.
      let kinds = await next();
      if (kinds.length < 2) kinds = await next();
      expect(kinds.sort()).toEqual(['CREDENTIALS_FAILED', 'SYNC_RUN_FAILED']);
    } finally {
      sim.directory.apps.get(sim.app.clientId)!.roles.add('User.Read.All');
      await updates.return?.();
      await ws.dispose();
    }
  });
});

import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator, type Fault } from '../support/graph-sim/index.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, syncAndWait, type PersonRow, type RunResult } from '../support/entra.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

/**
 * Graph and identity-platform faults during sync runs: every run ends SUCCEEDED with the list equal
 * to the directory, or FAILED with the reason and the list exactly as it was before the run (never
 * half-applied); the next run without the fault brings the list to the directory.
 */
describe('Entra sync under Graph faults', () => {
  let sim: Sim;
  let server: TestServer;
  let owner: GraphQLTestClient;
  let listId: string;
  let ids: string[];
  let round = 0;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    // No automatic retries: a failed run must leave the list as it was, and nothing else may run.
    server = await startServer({ ...sim.env, ROLLCALL_SYNC_RETRY_SECONDS: 'none' });
    owner = await setupOwner(server);
    const connectionId = await createConnection(owner, sim);
    // Two full pages and a bit (999 per page): a fault can hit a page after the first.
    ids = sim.directory.seedUsers(2100);
    listId = await createStaffList(owner, 'Faulty');
    await configure(owner, { listId, connectionId });
    const first = await syncAndWait(owner, listId, 'FULL');
    expect(first).toMatchObject({ status: 'SUCCEEDED', counts: expect.objectContaining({ created: 2100 }) });
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  /** Changes on every page of the directory (page 1, 2 and 3), a leaver and a joiner. */
  function changeDirectory(): void {
    round += 1;
    for (const i of [5, 1500, 2050]) sim.directory.updateUser(ids[i]!, { department: `Dept ${round}-${i}` });
    sim.directory.deleteUser(ids[100 + round]!);
    sim.directory.addUser({ ...sim.directory.user(ids[0]!)!, id: undefined as unknown as string, employeeId: `NEW-${round}`, mail: `new${round}@contoso.onmicrosoft.com` });
  }

  /** The list equals the directory: every enabled user there with their values, everyone else inactive. */
  function expectListIsDirectory(list: Map<string, PersonRow>): void {
    const enabled = new Map(sim.directory.userIds().map((id) => sim.directory.user(id)!).filter((u) => u.accountEnabled !== false).map((u) => [String(u.employeeId), u]));
    for (const [uid, u] of enabled) {
      const p = list.get(uid);
      expect(p, `${uid} is missing`).toBeDefined();
      expect({ status: p!.status, department: p!.values.department ?? null, email: p!.values.email ?? null }, uid).toEqual({
        status: 'ACTIVE',
        department: u.department ?? null,
        email: u.mail ? String(u.mail).toLowerCase() : null,
      });
    }
    for (const [uid, p] of list) if (!enabled.has(uid)) expect(p.status, `${uid} left the directory`).toBe('INACTIVE');
  }

  /**
   * Changes the directory, runs with `faults`, and checks the outcome: succeeded and equal to the
   * directory, or failed with a reason matching `reason` and the list untouched. Then a run
   * without faults catches up. Returns the faulted run.
   */
  async function runUnder(faults: Fault[], mode: 'FULL' | 'DELTA', expected: 'SUCCEEDED' | 'FAILED', reason?: RegExp): Promise<RunResult> {
    const before = await people(owner, listId);
    changeDirectory();
    sim.sim.faults.push(...faults);
    const run = await syncAndWait(owner, listId, mode);
    sim.sim.faults.length = 0;
    expect(run.status, run.reason ?? '').toBe(expected);
    if (run.status === 'SUCCEEDED') expectListIsDirectory(await people(owner, listId));
    else {
      expect(run.reason).toMatch(reason!);
      expect(await people(owner, listId)).toEqual(before);
    }
    const after = await syncAndWait(owner, listId, mode);
    expect(after.status, after.reason ?? '').toBe('SUCCEEDED');
    expectListIsDirectory(await people(owner, listId));
    return run;
  }

  const page = /^GET \/users$/;

  it('a 429 storm shorter than the retries: succeeds, honouring Retry-After', async () => {
    sim.sim.resetCounts();
    await runUnder([{ route: page, status: 429, retryAfterSeconds: 1, times: 2, skip: 1 }], 'FULL', 'SUCCEEDED');
    expect(sim.sim.log.filter((l) => l.status === 429)).toHaveLength(2);
  });

  it('a 429 storm longer than the retries, on the second page: fails saying so, nothing applied', async () => {
    await runUnder([{ route: page, status: 429, retryAfterSeconds: 0, times: 50, skip: 1 }], 'FULL', 'FAILED', /throttl|429|too many/i);
  });

  it('503 on the second page: retried, succeeds', async () => {
    await runUnder([{ route: page, status: 503, retryAfterSeconds: 0, times: 2, skip: 1 }], 'FULL', 'SUCCEEDED');
  });

  it('503 that does not end: fails saying so, nothing applied', async () => {
    await runUnder([{ route: page, status: 503, retryAfterSeconds: 0, times: 50, skip: 1 }], 'FULL', 'FAILED', /unavailable|503/i);
  });

  it('503 that does not end, on the last page: fails saying so, nothing applied', async () => {
    await runUnder([{ route: page, status: 503, retryAfterSeconds: 0, times: 50, skip: 2 }], 'FULL', 'FAILED', /unavailable|503/i);
  });

  it('503 during a delta run: fails saying so, nothing applied', async () => {
    await runUnder([{ route: /^GET \/users\/delta$/, status: 503, retryAfterSeconds: 0, times: 50 }], 'DELTA', 'FAILED', /unavailable|503/i);
  });

  it('a connection reset in the middle of a page (half the body sent): retried, succeeds', async () => {
    sim.sim.resetCounts();
    await runUnder([{ route: page, status: 'partial', times: 1, skip: 1 }], 'FULL', 'SUCCEEDED');
    expect(sim.sim.log.filter((l) => l.status === 'partial')).toHaveLength(1);
  });

  it('connection resets in the middle of every page: fails saying so, nothing applied', async () => {
    await runUnder([{ route: page, status: 'partial', times: 50, skip: 1 }], 'FULL', 'FAILED', /broke off in the middle of an answer/);
  });

  it('the token endpoint answering 500: fails saying so, nothing applied', async () => {
    sim.sim.revokeTokens();
    await runUnder([{ route: /POST \/token$/, status: 500, times: 50 }], 'FULL', 'FAILED', /identity platform did not issue a token/);
  });

  it('the token endpoint dropping connections: fails saying so, nothing applied', async () => {
    sim.sim.revokeTokens();
    await runUnder([{ route: /POST \/token$/, status: 'reset', times: 50 }], 'FULL', 'FAILED', /identity platform did not issue a token|could not reach the Microsoft identity platform/);
  });

  it('delta state expired (syncStateNotFound): falls back to a full read and succeeds', async () => {
    await syncAndWait(owner, listId, 'DELTA');
    sim.directory.expireDeltaTokens();
    const run = await runUnder([], 'DELTA', 'SUCCEEDED');
    expect(run.reason).toMatch(/delta state/);
  });

  it('delta state gone (410): falls back to a full read and succeeds', async () => {
    await syncAndWait(owner, listId, 'DELTA');
    const run = await runUnder([{ route: /^GET \/users\/delta$/, status: 410, times: 1 }], 'DELTA', 'SUCCEEDED');
    expect(run.reason).toMatch(/delta state/);
  });

  // A first backfill writes as it reads (a million people never wait in memory), inside the run's
  // one transaction: a failure on the last page leaves nothing behind.
  it('a first sync of an empty list that fails on its last page: fails saying so, the list stays empty', async () => {
    // More than one writer's batch (5,000) before the last page, which fails.
    sim.directory.seedUsers(4000);
    const pages = Math.ceil(sim.directory.userCount / 999);
    const list = await createStaffList(owner, 'Backfill');
    await configure(owner, { listId: list, connectionId: await createConnection(owner, sim, 'Contoso backfill') });
    sim.sim.faults.push({ route: page, status: 503, retryAfterSeconds: 0, times: 50, skip: pages - 1 });
    const run = await syncAndWait(owner, list, 'FULL');
    sim.sim.faults.length = 0;
    expect(run.status).toBe('FAILED');
    expect(run.reason).toMatch(/503/);
    expect((await people(owner, list)).size).toBe(0);
  });

  it('the token endpoint refusing connections: the run fails saying so and writes nothing', async () => {
    // A port nothing listens on: connect() is refused.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const other = await startServer({ ...sim.env, ROLLCALL_ENTRA_AUTHORITY_HOST: `https://127.0.0.1:${closed}`, ROLLCALL_SYNC_RETRY_SECONDS: 'none' });
    try {
      const admin = await setupOwner(other);
      const list = await createStaffList(admin, 'Unreachable');
      await configure(admin, { listId: list, connectionId: await createConnection(admin, sim) });
      const run = await syncAndWait(admin, list, 'FULL');
      expect(run.status).toBe('FAILED');
      // MSAL reports an unreachable authority and an unknown tenant alike (endpoints_resolution_error,
      // no cause), so the reason names both.
      expect(run.reason).toMatch(/identity platform could not be reached/);
      expect((await people(admin, list)).size).toBe(0);
    } finally {
      await other.stop();
    }
  });
});

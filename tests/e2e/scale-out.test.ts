import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, syncAndWait, waitForRun, RUN_FIELDS, type RunResult } from '../support/entra.js';
import { startRollcallProcess, until, type RollcallProcess } from '../support/process.js';
import { setupOwner } from '../support/server.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;
type Progress = { status: string; reason: string | null; counts: { seen: number; created: number } };

/** Follows a run's syncRunProgress on one process until it ends (or `ws` is disposed). */
function follow(client: GraphQLTestClient, runId: string): { seen: Progress[]; done: Promise<void>; dispose: () => Promise<void> } {
  const ws = client.ws();
  const seen: Progress[] = [];
  const done = new Promise<void>((resolve, reject) =>
    ws.subscribe<{ syncRunProgress: Progress }>(
      { query: `subscription($id: ID!) { syncRunProgress(runId: $id) { status reason counts { seen created } } }`, variables: { id: runId } },
      { next: (m) => (m.errors ? reject(new Error(JSON.stringify(m.errors))) : seen.push(m.data!.syncRunProgress)), error: reject, complete: resolve },
    ),
  );
  return { seen, done, dispose: async () => void (await ws.dispose()) };
}

describe('two api processes and a worker on one database (ROLLCALL_ROLE)', () => {
  let sim: Sim;
  let db: TestDatabase;
  let sql: pg.Client;
  const procs: RollcallProcess[] = [];
  let api1: RollcallProcess;
  let api2: RollcallProcess;
  let workers: RollcallProcess[];
  let env: Record<string, string>;
  /** The owner signed in, through api #1 and api #2 (stateless sessions: one token for both). */
  let via1: GraphQLTestClient;
  let via2: GraphQLTestClient;
  let connectionId: string;

  const start = async (role: 'api' | 'worker') => {
    const p = await startRollcallProcess({ ...env, ROLLCALL_ROLE: role });
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    sim = await startGraphSimulator();
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    env = {
      ...sim.env,
      DATABASE_URL: db.url,
      ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64'),
      ROLLCALL_SCHEDULER_TICK_SECONDS: '1',
      ROLLCALL_RUN_STALE_SECONDS: '3',
      ROLLCALL_SYNC_RETRY_SECONDS: 'none',
      LOG_LEVEL: 'info',
    };
    let w1: RollcallProcess, w2: RollcallProcess;
    // All settle before any failure is thrown, so afterAll stops every process that did start.
    const started = await Promise.allSettled([start('api'), start('api'), start('worker'), start('worker')]);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    [api1, api2, w1, w2] = started.map((r) => (r as PromiseFulfilledResult<RollcallProcess>).value) as [RollcallProcess, RollcallProcess, RollcallProcess, RollcallProcess];
    workers = [w1, w2];
    via1 = await setupOwner({ client: new GraphQLTestClient(api1.url) });
    via2 = via1.withBase(api2.url);
    connectionId = await createConnection(via2, sim);
  }, 240_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await sql?.end();
    await db?.drop();
    await sim?.sim.stop();
  });

  it('a worker serves only its health probes; api processes serve the API', async () => {
    const worker = workers[0]!;
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
    const gql = await fetch(`${worker.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(gql.status).toBe(404);
    expect((await fetch(`${worker.url}/scim/v2/lists/x/Users`)).status).toBe(404);
    expect((await via2.ok<{ __typename: string }>(`{ __typename }`)).__typename).toBe('Query');
  });

  it('a run requested through api #2 is run by a worker, and api #1 streams its progress', async () => {
    sim.directory.seedUsers(3000);
    const listId = await createStaffList(via2, 'Progress');
    await configure(via2, { listId, connectionId });
    sim.sim.latencyMs = 400; // four pages of 999 at 0.4 s each: progress while it reads
    try {
      const { syncNow } = await via2.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
      const progress = follow(via1, syncNow.id);
      await progress.done;
      await progress.dispose();
      const running = progress.seen.filter((p) => p.status === 'RUNNING' && p.counts.seen > 0);
      expect(running.length).toBeGreaterThanOrEqual(1);
      expect(progress.seen.at(-1)).toMatchObject({ status: 'SUCCEEDED', counts: { seen: 3000, created: 3000 } });
    } finally {
      sim.sim.latencyMs = 0;
    }
    // A worker took the job, once: the run's log lines are in one worker's output, in neither api's.
    const { syncRuns } = await via1.ok<{ syncRuns: Array<{ id: string }> }>(`query($l: ID!) { syncRuns(listId: $l) { id } }`, { l: listId });
    const runId = syncRuns[0]!.id;
    expect(workers.filter((w) => w.output().includes(runId))).toHaveLength(1);
    expect(api1.output()).not.toContain(runId);
    expect(api2.output()).not.toContain(runId);
    expect((await people(via1, listId)).size).toBe(3000);
  }, 60_000);

  it('runs each scheduled sync once although two workers tick the schedule every second', async () => {
    const listId = await createStaffList(via1, 'Scheduled');
    await configure(via2, { listId, connectionId, intervalMinutes: 60 });
    const runsOf = async () =>
      (await via1.ok<{ syncRuns: Array<{ id: string; trigger: string; status: string }> }>(`query($l: ID!) { syncRuns(listId: $l) { id trigger status } }`, { l: listId })).syncRuns;
    for (let round = 1; round <= 2; round++) {
      // Time passes: the next run is due now.
      await sql.query(`UPDATE entra_list_sync SET next_run_at = now() - interval '1 second' WHERE list_id = $1`, [listId]);
      await until(`scheduled run ${round}`, async () => {
        const runs = await runsOf();
        return runs.length >= round && runs.every((r) => !['QUEUED', 'RUNNING'].includes(r.status));
      });
      // Each worker ticks three more times: still one run per due slot.
      await new Promise((r) => setTimeout(r, 3000));
      const runs = await runsOf();
      expect(runs).toHaveLength(round);
      expect(runs.every((r) => r.trigger === 'SCHEDULE' && r.status === 'SUCCEEDED')).toBe(true);
    }
    const { rows } = await sql.query<{ due: Date }>(`SELECT next_run_at AS due FROM entra_list_sync WHERE list_id = $1`, [listId]);
    expect(rows[0]!.due.getTime()).toBeGreaterThan(Date.now() + 58 * 60_000);
    // Both workers were alive and ticking throughout.
    for (const w of workers) expect(w.child.exitCode).toBeNull();
    expect((await people(via1, listId)).size).toBe(sim.directory.userCount);
  }, 120_000);

  it('a worker killed mid-run leaves the run FAILED with the reason, and another worker runs the next one', async () => {
    const listId = await createStaffList(via1, 'Killed');
    await configure(via1, { listId, connectionId });
    sim.sim.latencyMs = 400;
    const { syncNow } = await via2.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
    const progress = follow(via1, syncNow.id);
    await until('the run to be reading', async () => {
      const { syncRun } = await via1.ok<{ syncRun: RunResult }>(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: syncNow.id });
      return syncRun.status === 'RUNNING' && syncRun.counts.seen > 0;
    });
    // Kill -9 the worker running it; the other worker's ticks fail the dead run once its
    // heartbeat is stale (3 s here).
    const running = await until('the worker running it to log it', async () => workers.find((w) => w.output().includes(syncNow.id)));
    const survivor = workers.find((w) => w !== running)!;
    await running.kill();
    sim.sim.latencyMs = 0;
    const killedAt = Date.now();
    const dead = await waitForRun(via2, syncNow.id, 30_000);
    expect(dead.status).toBe('FAILED');
    expect(dead.reason).toMatch(/interrupted: the process running it stopped/);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    // The subscription on api #1 saw the end too.
    await progress.done;
    await progress.dispose();
    expect(progress.seen.at(-1)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/interrupted/) });

    const next = await syncAndWait(via1, listId, 'FULL');
    expect(next.status).toBe('SUCCEEDED');
    expect(survivor.output()).toContain(next.id);
    const all = await people(via2, listId);
    expect(all.size).toBe(sim.directory.userCount);
    const { rows } = await sql.query<{ n: string; anchors: string }>(
      `SELECT count(*)::text AS n, count(DISTINCT source_anchor)::text AS anchors FROM person WHERE list_id = $1`,
      [listId],
    );
    expect(rows[0]).toEqual({ n: String(sim.directory.userCount), anchors: String(sim.directory.userCount) });
  }, 120_000);
});

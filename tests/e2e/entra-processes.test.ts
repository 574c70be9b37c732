import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, people, syncAndWait, waitForRun, RUN_FIELDS, type RunResult } from '../support/entra.js';
import { repoRoot } from '../../api/src/config.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Rollcall as its own OS process (`npm start`'s entry point through tsx), so it can be killed. */
async function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'api/src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Rollcall exited early: ${output}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return { child, url };
    if (Date.now() > deadline) throw new Error(`Rollcall did not become ready: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Entra sync across server processes', () => {
  let sim: Sim;
  let db: TestDatabase;
  const secretKey = randomBytes(32).toString('base64');
  let a: TestServer;
  let b: TestServer;
  let owner: GraphQLTestClient;
  let connectionId: string;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    db = await createTestDatabase();
    // Both processes share the database and the key that seals connection secrets.
    const env = { ...sim.env, ROLLCALL_SECRET_KEY: secretKey, ROLLCALL_SCHEDULER_TICK_SECONDS: '1', ROLLCALL_RUN_STALE_SECONDS: '3' };
    a = await startServer(env, db);
    b = await startServer(env, db);
    owner = await setupOwner(a);
    connectionId = await createConnection(owner, sim);
    sim.directory.seedUsers(40);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
    await sim?.sim.stop();
  });

  it('runs each scheduled sync once although every process ticks the schedule', async () => {
    const listId = await createStaffList(owner, 'Scheduled');
    const status = await configure(owner, { listId, connectionId, intervalMinutes: 60 });
    expect(status.intervalMinutes).toBe(60);
    expect(new Date(String(status.nextRunAt)).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    const sql = a.app.orm.em.getConnection();
    for (let round = 1; round <= 2; round++) {
      // Time passes: the next run is due now.
      await sql.execute(`UPDATE entra_list_sync SET next_run_at = now() - interval '1 second' WHERE list_id = ?`, [listId]);
      let runs: Array<{ id: string; trigger: string; status: string }> = [];
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        runs = (await owner.ok<{ syncRuns: typeof runs }>(`query($l: ID!) { syncRuns(listId: $l) { id trigger status } }`, { l: listId })).syncRuns;
        if (runs.length >= round && runs.every((r) => !['QUEUED', 'RUNNING'].includes(r.status))) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // Two more ticks of each process pass: still exactly one run per due slot.
      await new Promise((r) => setTimeout(r, 2500));
      runs = (await owner.ok<{ syncRuns: typeof runs }>(`query($l: ID!) { syncRuns(listId: $l) { id trigger status } }`, { l: listId })).syncRuns;
      expect(runs).toHaveLength(round);
      expect(runs.every((r) => r.trigger === 'SCHEDULE' && r.status === 'SUCCEEDED')).toBe(true);
    }
    const { listSync } = await owner.ok<{ listSync: { nextRunAt: string; lastRun: { trigger: string } } }>(`query($l: ID!) { listSync(listId: $l) { nextRunAt lastRun { trigger } } }`, { l: listId });
    expect(new Date(listSync.nextRunAt).getTime()).toBeGreaterThan(Date.now() + 58 * 60_000);
    expect((await people(owner, listId)).size).toBe(40);
  });

  it('a run whose process is killed mid-run is marked failed, and the next run converges', async () => {
    sim.directory.seedUsers(3000);
    const listId = await createStaffList(owner, 'Crash');
    await configure(owner, { listId, connectionId });
    // The worker is a separate OS process: the in-process servers only queue.
    await a.stop();
    await b.stop();
    const env = { ...sim.env, DATABASE_URL: db.url, ROLLCALL_SECRET_KEY: secretKey, ROLLCALL_RUN_STALE_SECONDS: '3', ROLLCALL_SCHEDULER_TICK_SECONDS: '3600' };
    const worker = await startProcess(env);
    sim.sim.latencyMs = 400;
    const queuer = owner.withBase(worker.url);
    const { syncNow } = await queuer.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
    // Kill -9 once it is reading pages.
    for (;;) {
      const { syncRun } = await queuer.ok<{ syncRun: RunResult }>(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: syncNow.id });
      if (syncRun.status === 'RUNNING' && syncRun.counts.seen > 0) break;
      expect(['QUEUED', 'RUNNING']).toContain(syncRun.status);
      await new Promise((r) => setTimeout(r, 50));
    }
    worker.child.kill('SIGKILL');
    await new Promise((r) => worker.child.once('exit', r));
    sim.sim.latencyMs = 0;

    // A restarted process takes over once the dead run's heartbeat is stale.
    b = await startServer(env, db);
    const client = owner.withBase(b.url);
    await new Promise((r) => setTimeout(r, 3500));
    const run = await syncAndWait(client, listId, 'FULL');
    expect(run.status).toBe('SUCCEEDED');
    const dead = await waitForRun(client, syncNow.id);
    expect(dead).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/interrupted/) });
    const all = await people(client, listId);
    expect(all.size).toBe(sim.directory.userCount);
    const [row] = await b.app.orm.em.getConnection().execute<Array<{ n: string; anchors: string }>>(
      `SELECT count(*)::text AS n, count(DISTINCT source_anchor)::text AS anchors FROM person WHERE list_id = ?`,
      [listId],
    );
    expect(row).toEqual({ n: String(sim.directory.userCount), anchors: String(sim.directory.userCount) });
    a = b; // stopped by afterAll
    b = await startServer({ ...sim.env, ROLLCALL_SECRET_KEY: secretKey }, db);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, differencesFromDirectory, people, syncAndWait, waitForRun, RUN_FIELDS, type RunResult } from '../support/entra.js';
import { connectScimList, ScimClient } from '../support/scim.js';
import { startRollcallProcess, until, type RollcallProcess } from '../support/process.js';
import { setupOwner } from '../support/server.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedCluster } from '../../api/src/db/embedded.js';
import { createLogger } from '../../api/src/shared/logger.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the run is reading with at least `created` people written, then returns. */
async function runningWith(client: GraphQLTestClient, runId: string, created: number): Promise<RunResult> {
  return until(`run ${runId} to have written ${created} people`, async () => {
    const { syncRun } = await client.ok<{ syncRun: RunResult }>(`query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`, { id: runId });
    if (!['QUEUED', 'RUNNING'].includes(syncRun.status)) throw new Error(`the run ended before the fault: ${JSON.stringify(syncRun)}`);
    return syncRun.status === 'RUNNING' && syncRun.counts.seen > 0 && syncRun.counts.created >= created ? syncRun : null;
  });
}

/** Rows of one list that two of its people share (anchor or UID): none after any fault. */
async function duplicates(sql: pg.Client, listId: string): Promise<{ n: number; anchors: number; uids: number }> {
  const { rows } = await sql.query<{ n: number; anchors: number; uids: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT source_anchor)::int AS anchors, count(DISTINCT uid)::int AS uids FROM person WHERE list_id = $1`,
    [listId],
  );
  return rows[0]!;
}

describe('kill -9 of Rollcall during a full sync of 10,000 users', () => {
  let sim: Sim;
  let db: TestDatabase;
  let sql: pg.Client;
  let proc: RollcallProcess | null = null;

  beforeAll(async () => {
    sim = await startGraphSimulator();
    db = await createTestDatabase();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await proc?.stop();
    await sql?.end();
    await db?.drop();
    await sim?.sim.stop();
  });

  it('restarted and synced again, the list equals the directory, nothing twice, the killed run FAILED with the reason', async () => {
    sim.directory.seedUsers(10_000);
    const env = { ...sim.env, DATABASE_URL: db.url, ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64'), ROLLCALL_RUN_STALE_SECONDS: '3', ROLLCALL_SCHEDULER_TICK_SECONDS: '1', ROLLCALL_SYNC_RETRY_SECONDS: 'none' };
    proc = await startRollcallProcess(env);
    let owner = await setupOwner({ client: new GraphQLTestClient(proc.url) });
    const listId = await createStaffList(owner, 'Staff');
    await configure(owner, { listId, connectionId: await createConnection(owner, sim) });
    // Eleven pages of 999; slowed so the kill lands after the first batch of 5,000 is written.
    sim.sim.latencyMs = 250;
    const { syncNow } = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
    await runningWith(owner, syncNow.id, 1);
    await proc.kill();
    sim.sim.latencyMs = 0;

    proc = await startRollcallProcess(env);
    owner = owner.withBase(proc.url);
    const killed = await waitForRun(owner, syncNow.id, 30_000);
    expect(killed).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/interrupted: the process running it stopped/) });
    // The killed run had written its first batch, inside the run's one transaction: none of it stays.
    const { rows: partial } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE list_id = $1`, [listId]);
    expect(partial[0]!.n).toBe(0);

    const again = await syncAndWait(owner, listId, 'FULL', 120_000);
    expect(again.status).toBe('SUCCEEDED');
    expect(again.counts.created).toBe(10_000);
    expect(differencesFromDirectory(await people(owner, listId), sim.directory)).toEqual([]);
    expect(await duplicates(sql, listId)).toEqual({ n: 10_000, anchors: 10_000, uids: 10_000 });
  }, 240_000);
});

describe('PostgreSQL restarted under Rollcall', () => {
  let dir: string;
  let cluster: EmbeddedCluster;
  let port: number;
  let sim: Sim;
  let proc: RollcallProcess;
  let owner: GraphQLTestClient;
  let sql: pg.Client | null = null;
  const logger = createLogger('silent');

  /** Our own PostgreSQL (never the shared one): the test stops and starts it. */
  const startPg = async () => {
    cluster = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port, logger, durable: false });
    port = Number(new URL(cluster.url('postgres')).port);
  };
  const connectSql = async () => {
    sql = new pg.Client({ connectionString: cluster.url('rollcall') });
    sql.on('error', () => undefined);
    await sql.connect();
    return sql;
  };
  const stopPg = async () => {
    await sql?.end().catch(() => undefined);
    sql = null;
    await cluster.stop();
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-pg-restart-'));
    port = 54361;
    await startPg();
    await ensureDatabase(cluster.url('postgres'), 'rollcall');
    sim = await startGraphSimulator();
    proc = await startRollcallProcess({
      ...sim.env,
      DATABASE_URL: cluster.url('rollcall'),
      ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64'),
      ROLLCALL_SYNC_RETRY_SECONDS: 'none',
      ROLLCALL_SCIM_RATE_PER_SECOND: '100000',
    });
    owner = await setupOwner({ client: new GraphQLTestClient(proc.url) });
  }, 180_000);
  afterAll(async () => {
    await proc?.stop();
    await sql?.end().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    await sim?.sim.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** GraphQL while the database is down: 503 with Retry-After and SERVICE_UNAVAILABLE, never 500 or a hang. */
  const expectGraphQLUnavailable = async () => {
    const res = await fetch(`${proc.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: '{ masterLists { id } }' }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.errors?.[0]?.message).toMatch(/cannot reach its database/);
  };

  it('SCIM writes during the restart: 503 with Retry-After while it is down, then recovery; every person whole, counts as the clients were told', async () => {
    const { listId, baseUrl, token } = await connectScimList(owner, 'SCIM', 'USERNAME');
    const scim = new ScimClient(baseUrl.replace(/^https?:\/\/[^/]+/, proc.url), token);
    const userOf = (userName: string) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName,
      name: { givenName: `G-${userName}`, familyName: `F-${userName}` },
      emails: [{ type: 'work', value: `${userName}@acme.test`, primary: true }],
      title: `T-${userName}`,
      active: true,
    });
    const told = new Map<string, number>(); // userName → the last status the client was told
    const unexpected: string[] = [];
    let phase: 'up' | 'down' | 'back' = 'up';
    const byPhase = { up: new Set<number>(), down: new Set<number>(), back: new Set<number>() };
    let stop = false;
    const client = async (c: number) => {
      for (let i = 0; !stop; i++) {
        const userName = `u${c}-${i}`;
        const at = phase;
        let status: number;
        try {
          const res = await scim.request('POST', '/Users', userOf(userName), {});
          status = res.status;
          if (status === 503) {
            if (res.headers.get('retry-after') !== '5') unexpected.push(`${userName}: 503 without Retry-After`);
            if (!res.body?.schemas?.includes('urn:ietf:params:scim:api:messages:2.0:Error') || res.body.status !== '503') unexpected.push(`${userName}: 503 body ${JSON.stringify(res.body)}`);
            await sleep(100);
          } else if (status !== 201) unexpected.push(`${userName}: ${status} ${JSON.stringify(res.body)}`);
        } catch (err) {
          status = -1;
          unexpected.push(`${userName}: ${String(err)}`);
        }
        told.set(userName, status);
        byPhase[at].add(status);
      }
    };
    const load = Promise.all([0, 1, 2, 3, 4, 5].map((c) => client(c)));
    await until('SCIM creates to succeed', async () => [...told.values()].filter((s) => s === 201).length >= 30);
    await stopPg();
    phase = 'down';
    await sleep(3000);
    await expectGraphQLUnavailable();
    await startPg();
    phase = 'back';
    // Recovery without restarting Rollcall: creates succeed again.
    const before = [...told.values()].filter((s) => s === 201).length;
    await until('SCIM creates to succeed again', async () => [...told.values()].filter((s) => s === 201).length >= before + 30);
    stop = true;
    await load;
    // On failure, the server's error lines say what it met.
    expect(unexpected, proc.output().split('\n').filter((l) => l.includes('"level":50')).join('\n')).toEqual([]);
    expect(byPhase.down.has(503)).toBe(true);
    expect([...byPhase.down].every((s) => s === 503 || s === 201)).toBe(true);
    expect(proc.child.exitCode).toBeNull();

    // As identity providers do, the clients retry what failed: 201, or 409 when the first
    // attempt committed although its answer was lost with the connection.
    for (const [userName, status] of told) {
      if (status === 201) continue;
      const res = await scim.post('/Users', userOf(userName));
      expect([201, 409]).toContain(res.status);
      told.set(userName, res.status);
    }
    const db = await connectSql();
    const { rows } = await db.query<{ user_name: string; uid: string; values: Record<string, unknown>; status: string }>(
      `SELECT su.user_name, p.uid, p.values, p.status FROM person p FULL JOIN scim_user su ON su.person_id = p.id WHERE p.list_id = $1 OR su.list_id = $1`,
      [listId],
    );
    // Exactly the people the clients were told exist, once each, each whole.
    expect(rows.length).toBe(told.size);
    expect(new Set(rows.map((r) => r.user_name))).toEqual(new Set(told.keys()));
    const partial = rows.filter(
      (r) =>
        r.uid !== r.user_name ||
        r.status !== 'ACTIVE' ||
        r.values.first_name !== `G-${r.user_name}` ||
        r.values.last_name !== `F-${r.user_name}` ||
        r.values.email !== `${r.user_name}@acme.test` ||
        r.values.job_title !== `T-${r.user_name}`,
    );
    expect(partial).toEqual([]);
    // And through SCIM, one of them reads back whole.
    const [first] = told.keys();
    const found = await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${first}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0]).toMatchObject({ userName: first, title: `T-${first}`, name: { givenName: `G-${first}` } });
  }, 180_000);

  it('a sync during the restart ends FAILED with the reason; the next run completes the list, nothing twice', async () => {
    sim.directory.seedUsers(4000);
    const listId = await createStaffList(owner, 'Staff');
    await configure(owner, { listId, connectionId: await createConnection(owner, sim) });
    sim.sim.latencyMs = 300;
    const { syncNow } = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: listId });
    // Two pages of 999 planned and written... the first writer batch is 5,000: stop it while reading.
    await runningWith(owner, syncNow.id, 0);
    await stopPg();
    await sleep(2000);
    await expectGraphQLUnavailable();
    await startPg();
    sim.sim.latencyMs = 0;
    const failed = await waitForRun(owner, syncNow.id, 90_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toMatch(/PostgreSQL became unreachable during the run/);
    expect(proc.child.exitCode).toBeNull();

    const again = await syncAndWait(owner, listId, 'FULL', 90_000);
    expect(again.status).toBe('SUCCEEDED');
    expect(differencesFromDirectory(await people(owner, listId), sim.directory)).toEqual([]);
    const db = sql ?? (await connectSql());
    expect(await duplicates(db, listId)).toEqual({ n: 4000, anchors: 4000, uids: 4000 });
  }, 180_000);
});

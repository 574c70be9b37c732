/**
 * npm run bench, Entra sync section: a tenant of 100,000 users (BENCH_ENTRA_USERS, or --users=N;
 * --million for 1,000,000) in the Graph simulator, synced into a list through the real path:
 * the whole server in this process, configureEntraSync and syncNow over GraphQL, the run on the
 * job queue reading the simulator with the official SDKs over loopback HTTPS.
 *
 * Each run is timed next to a floor measured in the same process against the same simulator:
 * paging the same users with a bare HTTPS client ($top=999, the same $select), COPY into a
 * staging table and one INSERT ... ON CONFLICT upsert of the same rows into another list.
 * Goals: full sync within 1.5x of its floor (2x for a million); a re-sync with 5% changed within
 * 2x of its floor, writing exactly the changed people (audit rows and updated_at counted); a delta
 * sync of 7,000 changes in under a second (the median of BENCH_ENTRA_DELTA_RUNS runs, 3 by default,
 * each of its own changes; the first printed next to the time a bare client takes to read the same
 * delta pages, nothing written); ceil(N/999) user pages plus one $deltatoken=latest
 * call per full read and no other Graph request; peak memory of this process during a run (RSS
 * and heap, sampled every 20 ms) under 1 GB. The simulator runs in a process of its own
 * (graph-sim-host.ts), so its tenant and CPU are not charged to Rollcall.
 *
 * Prints figures and verdicts; exits non-zero only when something errors, never for a missed goal.
 */
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig, repoRoot } from '../../api/src/config.js';
import type { App } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { selectFor } from '../../api/src/sync/entra/entra-source.js';
import { withBenchDatabase } from './database.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, STANDARD_MAPPINGS, waitForRun, type RunResult } from '../support/entra.js';
import { SimHost, runTrustingSimulator } from './graph-sim-client.js';
import type { HostStart } from './graph-sim-host.js';

process.env.NODE_ENV ??= 'production';

const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const USERS = args.includes('--million') ? 1_000_000 : Number(arg('users') ?? process.env.BENCH_ENTRA_USERS ?? 100_000);
if (!Number.isInteger(USERS) || USERS < 1000) throw new Error(`--users must be a whole number of at least 1000, not ${USERS}`);
const CHANGED_SHARE = 0.05;
const DELTA_CHANGES = Number(arg('delta') ?? 7_000);
const PAGE = 999;
const FULL_GOAL = USERS >= 1_000_000 ? 2 : 1.5;
const RESYNC_GOAL = 2;
const DELTA_GOAL_MS = 1_000;
/** Delta runs measured, each after its own 7,000 changes: the verdict takes their median (one run varies by ±30% on a shared machine). */
const DELTA_RUNS = Number(process.env.BENCH_ENTRA_DELTA_RUNS ?? 3);
if (!Number.isInteger(DELTA_RUNS) || DELTA_RUNS < 1) throw new Error(`BENCH_ENTRA_DELTA_RUNS must be a whole number of at least 1, not ${DELTA_RUNS}`);
const MEMORY_GOAL = 1024 * 1024 * 1024;
const certDir = path.join(repoRoot, '.data', 'bench-graph-sim');
const logger = createLogger('warn');

// ---------------------------------------------------------------------------------------------
// The floor: a bare HTTPS client, COPY and one upsert

/** The fields the standard mapping fills, computed from a user as the mapping would. */
function mapped(u: Record<string, unknown>): Record<string, unknown> {
  const v: Record<string, unknown> = { employee_id: u.employeeId, email: typeof u.mail === 'string' ? u.mail.toLowerCase() : null, first_name: u.givenName, last_name: u.surname, department: u.department };
  for (const k of Object.keys(v)) if (v[k] === null || v[k] === undefined) delete v[k];
  return v;
}

const copyText = (s: string) => s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

interface CopyConnection {
  query(sql: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** COPY ... FROM STDIN through pg's own protocol objects (no extra package). */
function copyFrom(client: pg.Client, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    const submittable = {
      submit: (c: CopyConnection) => c.query(sql),
      handleCopyInResponse: (c: CopyConnection) => {
        const buf = Buffer.from(data, 'utf8');
        for (let i = 0; i < buf.length; i += 1 << 20) c.sendCopyFromChunk(buf.subarray(i, i + (1 << 20)));
        c.endCopyFrom();
      },
      handleCommandComplete: () => undefined,
      handleError: (err: Error) => (failure = err),
      handleReadyForQuery: () => (failure ? reject(failure) : resolve()),
    };
    void client.query(submittable as unknown as pg.QueryConfig);
  });
}

interface FloorResult {
  ms: number;
  readMs: number;
  copyMs: number;
  upsertMs: number;
  rows: number;
  written: number;
  requests: number;
}

/** A bare keep-alive HTTPS client of the simulator with an app-only token: what a floor reads with. */
async function bareGraph(simUrl: string, conn: HostStart['connectionInput']) {
  const agent = new https.Agent({ keepAlive: true, ca: readFileSync(path.join(certDir, 'graph-sim.crt')) });
  const get = (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<string>((resolve, reject) => {
      const req = https.request(url, { agent, method: init.method ?? 'GET', headers: init.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${res.statusCode} ${url}`))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(init.body);
    });
  const token = (JSON.parse(await get(`${simUrl}/${conn.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: conn.clientId, client_secret: conn.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
  })) as { access_token: string }).access_token;
  return { get: (url: string) => get(url, { headers: { authorization: `Bearer ${token}` } }), close: () => agent.destroy() };
}

/**
 * The delta's read floor: the pages of the list's stored delta link read with the bare client and
 * parsed, nothing written (reading a delta link changes nothing in the simulator, as in Graph).
 */
async function deltaReadFloor(simUrl: string, conn: HostStart['connectionInput'], deltaLink: string): Promise<{ ms: number; pages: number; records: number }> {
  const t0 = performance.now();
  const graph = await bareGraph(simUrl, conn);
  let url: string | null = deltaLink;
  let pages = 0;
  let records = 0;
  while (url) {
    const body = JSON.parse(await graph.get(url)) as { value: unknown[]; '@odata.nextLink'?: string };
    pages += 1;
    records += body.value.length;
    url = body['@odata.nextLink'] ?? null;
  }
  graph.close();
  return { ms: performance.now() - t0, pages, records };
}

async function floor(simUrl: string, conn: HostStart['connectionInput'], db: pg.Client, listId: string, orgId: string): Promise<FloorResult> {
  const t0 = performance.now();
  const graph = await bareGraph(simUrl, conn);
  const select = selectFor(STANDARD_MAPPINGS.map((m) => m.sourceAttribute));
  let url: string | null = `${simUrl}/v1.0/users?$select=${select}&$top=${PAGE}`;
  const lines: string[] = [];
  let requests = 0;
  while (url) {
    const body = JSON.parse(await graph.get(url)) as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
    requests += 1;
    for (const u of body.value) {
      lines.push(`${copyText(String(u.id))}\t${copyText(String(u.employeeId))}\t${u.accountEnabled === false ? 'INACTIVE' : 'ACTIVE'}\t${copyText(JSON.stringify(mapped(u)))}\n`);
    }
    url = body['@odata.nextLink'] ?? null;
  }
  graph.close();
  const t1 = performance.now();
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS floor_stage (anchor text, uid text, status text, "values" jsonb)`);
  await db.query(`TRUNCATE floor_stage`);
  await copyFrom(db, `COPY floor_stage FROM STDIN`, lines.join(''));
  const t2 = performance.now();
  const res = await db.query(
    `INSERT INTO person (id, organization_id, list_id, uid, status, "values", source, source_anchor, created_at, updated_at)
     SELECT gen_random_uuid(), $1, $2, s.uid, s.status, s."values", 'floor', s.anchor, now(), now() FROM floor_stage s
     ON CONFLICT (list_id, uid) DO UPDATE SET "values" = EXCLUDED."values", status = EXCLUDED.status, updated_at = now()
      WHERE person."values" IS DISTINCT FROM EXCLUDED."values" OR person.status IS DISTINCT FROM EXCLUDED.status`,
    [orgId, listId],
  );
  const t3 = performance.now();
  // Untimed, as Rollcall's own merge after a run is: the floor's search-index entries must not
  // be left pending for the next run to merge.
  await db.query(`SELECT gin_clean_pending_list('person_search_trgm_idx'::regclass)`);
  return { ms: t3 - t0, readMs: t1 - t0, copyMs: t2 - t1, upsertMs: t3 - t2, rows: lines.length, written: res.rowCount ?? 0, requests };
}

// ---------------------------------------------------------------------------------------------
// Memory: this process, sampled while a run works

class MemorySampler {
  rss = 0;
  heap = 0;
  private timer: NodeJS.Timeout | null = null;
  start(): this {
    this.rss = 0;
    this.heap = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
    return this;
  }
  private sample(): void {
    const m = process.memoryUsage();
    this.rss = Math.max(this.rss, m.rss);
    this.heap = Math.max(this.heap, m.heapUsed + m.external + m.arrayBuffers);
  }
  stop(): this {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return this;
  }
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------------------------
// The run

interface EngineRun {
  run: RunResult;
  /** From the run's start to its end as the run records them (the job queue's pick-up excluded). */
  ms: number;
  /** From syncNow to seeing the run finished. */
  wallMs: number;
  requests: Record<string, number>;
  memory: MemorySampler;
}

async function main(): Promise<void> {
  const started = performance.now();
  await withBenchDatabase('rollcall_bench_entra', logger, async (dbUrl) => {
    let app: App | null = null;
    let db: pg.Client | null = null;
    let host: SimHost | null = null;
    try {
      host = await SimHost.launch(certDir);
      const { createApp } = await import('../../api/src/app.js');
      app = await createApp(
        loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent', ROLLCALL_GRAPH_BASE_URL: host.start.url, ROLLCALL_ENTRA_AUTHORITY_HOST: host.start.url }),
        { logger: createLogger('silent') },
      );
      db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      const pgVersion = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
      console.log(`\nRollcall Entra sync benchmark: ${USERS.toLocaleString('en')} users, PostgreSQL ${pgVersion}, Node ${process.version}, ${os.cpus().length} CPUs, ` +
        `load average ${os.loadavg()[0]!.toFixed(2)}; the simulator in its own process over loopback HTTPS\n`);

      const t0 = performance.now();
      await host.call({ op: 'seed', n: USERS });
      console.log(`seeded ${USERS.toLocaleString('en')} users in the simulator in ${sec(performance.now() - t0)}`);

      const anon = new GraphQLTestClient(`http://127.0.0.1:${app.port}`);
      const { setup } = await anon.ok<{ setup: { token: string } }>(`mutation($i: SetupInput!) { setup(input: $i) { token } }`, {
        i: { organizationName: 'Contoso', name: 'Bench Owner', email: 'owner@contoso.example', password: 'bench password 1' },
      });
      const client = anon.as(setup.token);
      const connectionId = await createConnection(client, { connectionInput: host.start.connectionInput } as Parameters<typeof createConnection>[1]);
      const listId = await createStaffList(client, 'Staff');
      // The delta round deactivates 1,400 people (disabled and deleted accounts): above the default limit of 500.
      await configure(client, { listId, connectionId, deactivationLimitCount: 1_000_000, deactivationLimitPercent: 50 });
      const floorList = await createStaffList(client, 'Floor');
      const orgId = (await db.query<{ id: string }>(`SELECT organization_id AS id FROM master_list WHERE id = $1`, [listId])).rows[0]!.id;

      const countRequests = async () => host!.call<Record<string, number>>({ op: 'counts' });
      const runCounted = async (mode: 'FULL' | 'DELTA'): Promise<EngineRun> => {
        await host!.call({ op: 'reset' });
        // The floor runs in this process too: collect its garbage so it is not counted as the run's.
        (globalThis as { gc?: () => void }).gc?.();
        const memory = new MemorySampler().start();
        const w0 = performance.now();
        const { syncNow } = await client.ok<{ syncNow: { id: string } }>(`mutation($l: ID!, $m: SyncRunMode!) { syncNow(listId: $l, mode: $m) { id } }`, { l: listId, m: mode });
        const run = await waitForRun(client, syncNow.id, 30 * 60_000);
        const wallMs = performance.now() - w0;
        memory.stop();
        const { rows } = await db!.query<{ ms: number }>(`SELECT extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM sync_run WHERE id = $1`, [syncNow.id]);
        if (run.status !== 'SUCCEEDED') throw new Error(`the ${mode} run ended ${run.status}: ${run.reason}`);
        return { run, ms: Number(rows[0]!.ms), wallMs, requests: await countRequests(), memory };
      };

      // (a) full sync into an empty list, and its floor
      const full = await runCounted('FULL');
      const fullFloor = await floor(host.start.url, host.start.connectionInput, db, floorList, orgId);
      const people = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person WHERE list_id = $1`, [listId])).rows[0]!.n;
      if (people !== USERS || full.run.counts.created !== USERS) throw new Error(`the full sync left ${people} people (created ${full.run.counts.created}), expected ${USERS}`);

      // (b) re-sync with 5% changed
      const changedN = Math.round(USERS * CHANGED_SHARE);
      const { ids: changed } = await host.call<{ ids: string[] }>({ op: 'change', n: changedN, tag: 'resync' });
      const auditBefore = (await db.query<{ n: string }>(`SELECT coalesce(max(seq), 0) AS n FROM audit_entry`)).rows[0]!.n;
      const resyncStart = (await db.query<{ t: Date }>(`SELECT now() AS t`)).rows[0]!.t;
      const resync = await runCounted('FULL');
      const written = (await db.query<{ audit: number; touched: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM audit_entry WHERE list_id = $1 AND seq > $2) AS audit,
                (SELECT count(*)::int FROM person WHERE list_id = $1 AND updated_at >= $3) AS touched, 0 AS events`,
        [listId, auditBefore, resyncStart],
      )).rows[0]!;
      const resyncFloor = await floor(host.start.url, host.start.connectionInput, db, floorList, orgId);

      // (c) a delta sync of 7,000 changes
      const churn = await host.call<{ created: number; updated: number; disabled: number; deleted: number }>({ op: 'churn', n: DELTA_CHANGES, tag: 'delta' });
      const link = (await db.query<{ l: string }>(`SELECT delta_link AS l FROM entra_list_sync WHERE list_id = $1`, [listId])).rows[0]!.l;
      const deltaRead = await deltaReadFloor(host.start.url, host.start.connectionInput, link);
      const delta = await runCounted('DELTA');
      // Further deltas, each of its own changes, for a median.
      const deltaMs = [delta.ms];
      for (let i = 1; i < DELTA_RUNS; i++) {
        await host.call({ op: 'churn', n: DELTA_CHANGES, tag: `delta${i}` });
        const again = await runCounted('DELTA');
        if (again.run.counts.seen === 0) throw new Error('a repeated delta run saw no changes');
        deltaMs.push(again.ms);
      }
      const deltaMedian = [...deltaMs].sort((a, b) => a - b)[Math.floor((deltaMs.length - 1) / 2)]!;

      // ---- Report -------------------------------------------------------------------------------
      const pages = Math.ceil(USERS / PAGE);
      const graphRequests = (r: Record<string, number>) => Object.entries(r).filter(([k]) => !/\/token$|openid-configuration$/.test(k));
      const describe = (r: Record<string, number>) => Object.entries(r).map(([k, v]) => `${k} ×${v}`).join(', ');
      const readOk = (r: Record<string, number>) => {
        const g = graphRequests(r);
        return g.length === 2 && r['GET /users'] === pages && r['GET /users/delta'] === 1;
      };
      const c = (r: EngineRun) => r.run.counts;
      console.log(`\n${'run'.padEnd(34)}  ${'Rollcall'.padStart(9)}  ${'wall'.padStart(9)}  ${'floor'.padStart(9)}  ratio  counts`);
      const line = (name: string, r: EngineRun, f: FloorResult | null) =>
        console.log(`${name.padEnd(34)}  ${sec(r.ms).padStart(9)}  ${sec(r.wallMs).padStart(9)}  ${(f ? sec(f.ms) : '-').padStart(9)}  ${f ? `${(r.ms / f.ms).toFixed(2)}x` : '  -  '}  ` +
          `seen ${c(r).seen}, created ${c(r).created}, updated ${c(r).updated}, deactivated ${c(r).deactivated}, reactivated ${c(r).reactivated}, unchanged ${c(r).unchanged}, errors ${c(r).errors}`);
      line(`full sync, ${USERS.toLocaleString('en')} new`, full, fullFloor);
      line(`re-sync, ${changedN.toLocaleString('en')} changed`, resync, resyncFloor);
      line(`delta, ${DELTA_CHANGES.toLocaleString('en')} changes`, delta, null);
      const fl = (name: string, f: FloorResult) =>
        console.log(`floor of the ${name}: read ${f.requests} pages ${sec(f.readMs)}, COPY ${f.rows.toLocaleString('en')} rows ${sec(f.copyMs)}, upsert ${sec(f.upsertMs)} (${f.written.toLocaleString('en')} rows written)`);
      fl('full sync', fullFloor);
      fl('re-sync', resyncFloor);
      if (deltaMs.length > 1) console.log(`delta runs, each of ${DELTA_CHANGES.toLocaleString('en')} changes: ${deltaMs.map(sec).join(', ')}; median ${sec(deltaMedian)}`);
      console.log(`delta changes: ${JSON.stringify(churn)}; reading its ${deltaRead.pages} pages (${deltaRead.records.toLocaleString('en')} records) with the bare client alone: ${sec(deltaRead.ms)}`);
      console.log(`\nGraph requests (token requests aside): full ${describe(full.requests)}; re-sync ${describe(resync.requests)}; delta ${describe(delta.requests)}`);
      console.log(`re-sync writes: ${written.audit.toLocaleString('en')} audit rows, ${written.touched.toLocaleString('en')} people with a new updated_at, run counted ${c(resync).updated} updated; ${changed.length.toLocaleString('en')} users changed`);
      console.log(`memory of this process (server and bench) during runs, peak RSS / heap+external: full ${mb(full.memory.rss)} / ${mb(full.memory.heap)}, ` +
        `re-sync ${mb(resync.memory.rss)} / ${mb(resync.memory.heap)}, delta ${mb(delta.memory.rss)} / ${mb(delta.memory.heap)}`);

      const peak = Math.max(full.memory.rss, resync.memory.rss, delta.memory.rss);
      const verdict = (ok: boolean, text: string) => `${ok ? 'PASS' : 'MISS'}  ${text}`;
      const verdicts = [
        verdict(full.ms <= FULL_GOAL * fullFloor.ms, `full sync within ${FULL_GOAL}x of its floor: ${(full.ms / fullFloor.ms).toFixed(2)}x (${sec(full.ms)} vs ${sec(fullFloor.ms)})`),
        verdict(resync.ms <= RESYNC_GOAL * resyncFloor.ms, `re-sync with 5% changed within ${RESYNC_GOAL}x of its floor: ${(resync.ms / resyncFloor.ms).toFixed(2)}x (${sec(resync.ms)} vs ${sec(resyncFloor.ms)})`),
        verdict(written.audit === changed.length && written.touched === changed.length && c(resync).updated === changed.length,
          `re-sync writes exactly the ${changed.length.toLocaleString('en')} changed people: ${written.audit} audit rows, ${written.touched} rows touched`),
        verdict(deltaMedian < DELTA_GOAL_MS, `delta sync of ${DELTA_CHANGES.toLocaleString('en')} changes under ${sec(DELTA_GOAL_MS)}: ${sec(deltaMedian)}${deltaMs.length > 1 ? ` (median of ${deltaMs.length} runs)` : ''}`),
        verdict(readOk(full.requests) && readOk(resync.requests), `a full read makes ${pages} user pages and one $deltatoken=latest call, nothing else: full ${describe(Object.fromEntries(graphRequests(full.requests)))}; re-sync ${describe(Object.fromEntries(graphRequests(resync.requests)))}`),
        verdict(peak < MEMORY_GOAL, `peak memory under ${mb(MEMORY_GOAL)}: RSS ${mb(peak)}`),
      ];
      console.log(`\nVerdicts (Entra sync)\n  ${verdicts.join('\n  ')}`);
      const missed = verdicts.filter((v) => v.startsWith('MISS')).length;
      if (missed) console.log(`\n!!! MISSED ${missed} of ${verdicts.length} Entra sync goals (see above) !!!`);
      console.log(`\nEntra benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } finally {
      await db?.end().catch(() => undefined);
      await app?.stop();
      host?.stop();
    }
  });
}

runTrustingSimulator(certDir, import.meta.filename, args, main);

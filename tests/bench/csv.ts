/**
 * npm run bench, CSV import section: a file of 100,000 people (--csv-rows=N, or BENCH_CSV_ROWS)
 * imported into an empty list through the real path: the whole server in this process, the file
 * streamed from disk to the upload endpoint over loopback HTTP, the mapping and the commit over
 * GraphQL, the run through the engine (validation, mapping, planning, people, audit rows, events).
 *
 * Timed next to a floor measured in the same process against the same database: csv-parse over
 * the same file from disk and one INSERT ... SELECT FROM unnest(...) ON CONFLICT upsert of its
 * rows into another list. Goal: within 2x of the floor. Memory: the peak live heap of this process
 * (after forced collections) above its level before the import, for the file and for a file a
 * quarter its size; goal: flat in file size (the larger file adds less than 64 MB over the
 * smaller one's peak). Peak RSS is printed too.
 *
 * Prints figures and verdicts; exits non-zero only when something errors, never for a missed goal.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parse } from 'csv-parse';
import { loadConfig } from '../../api/src/config.js';
import type { App } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { createStaffList, waitForRun, type RunResult } from '../support/entra.js';
import { withBenchDatabase } from './database.js';

process.env.NODE_ENV ??= 'production';

const args = process.argv.slice(2);
const arg = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const ROWS = Number(arg('csv-rows') ?? process.env.BENCH_CSV_ROWS ?? 100_000);
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`--csv-rows must be a whole number of at least 1000, not ${ROWS}`);
const GOAL = 2;
const FLAT_GOAL = 64 * 1024 * 1024;
const logger = createLogger('warn');
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const HEADER = ['Employee ID', 'E-mail', 'First name', 'Last name', 'Department', 'Start date'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Zoë', 'José', 'Wei', 'Aisha', 'Ingrid', 'Kwame', 'Priya'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Ångström', 'Núñez', 'Nguyen', "O'Brien", 'Müller', 'Mensah', 'Patel'];
const DEPARTMENTS = ['Engineering', 'Sales', '"Research, Development"', 'Finance', 'People'];

/** Writes a roster file of `n` rows (Excel-style: UTF-8 BOM, CRLF, a quoted value with a comma). */
async function writeRoster(file: string, n: number): Promise<number> {
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`\uFEFF${HEADER.join(',')}\r\n`);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    chunk += `E${String(i).padStart(7, '0')},person${i}@contoso.example,${FIRST[i % 10]},${LAST[(i * 7) % 10]},${DEPARTMENTS[i % 5]},2025-0${(i % 9) + 1}-${day}\r\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
}

/**
 * Memory of this process while an import works: peak RSS above its level before, sampled every
 * 20 ms, and the peak live heap (after a forced collection once a second; run with --expose-gc),
 * which is what "flat in file size" is about: RSS also counts garbage not yet collected.
 */
class MemorySampler {
  base = 0;
  rss = 0;
  liveBase = 0;
  live = 0;
  private timers: NodeJS.Timeout[] = [];
  start(): this {
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external + m.arrayBuffers;
    };
    gc?.();
    this.base = process.memoryUsage().rss;
    this.rss = this.base;
    this.liveBase = heap();
    this.live = this.liveBase;
    this.timers.push(setInterval(() => (this.rss = Math.max(this.rss, process.memoryUsage().rss)), 20));
    if (gc) {
      this.timers.push(
        setInterval(() => {
          gc();
          this.live = Math.max(this.live, heap());
        }, 1000),
      );
    }
    return this;
  }
  stop(): this {
    this.rss = Math.max(this.rss, process.memoryUsage().rss);
    for (const t of this.timers) clearInterval(t);
    return this;
  }
}

interface Import {
  run: RunResult;
  uploadMs: number;
  mapMs: number;
  commitMs: number;
  runMs: number;
  totalMs: number;
  /** Peak RSS above the level before the upload. */
  memory: number;
  /** Peak live heap (after collections) above the level before the upload. */
  live: number;
}

/** Upload (streamed from disk), mapping and commit of a file into a new list, timed. */
async function importFile(client: GraphQLTestClient, db: pg.Client, file: string, name: string): Promise<Import> {
  const listId = await createStaffList(client, name);
  for (const [key, label, type] of [['first_name', 'First name', 'TEXT'], ['last_name', 'Last name', 'TEXT'], ['department', 'Department', 'TEXT'], ['start_date', 'Start date', 'DATE']]) {
    await client.ok(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label, type } });
  }
  const memory = new MemorySampler().start();
  const t0 = performance.now();
  const res = await fetch(`${client.baseUrl}/api/lists/${listId}/imports?fileName=${path.basename(file)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${client.token}` },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const body = (await res.json()) as { import?: { id: string; rowCount: number }; error?: unknown };
  if (res.status !== 201 || !body.import) throw new Error(`upload refused: ${JSON.stringify(body)}`);
  const t1 = performance.now();
  const mappings = [
    { sourceAttribute: 'Employee ID', fieldKey: 'employee_id' },
    { sourceAttribute: 'E-mail', fieldKey: 'email', transform: 'LOWERCASE' },
    { sourceAttribute: 'First name', fieldKey: 'first_name' },
    { sourceAttribute: 'Last name', fieldKey: 'last_name' },
    { sourceAttribute: 'Department', fieldKey: 'department' },
    { sourceAttribute: 'Start date', fieldKey: 'start_date' },
  ];
  await client.ok(`mutation($i: SetCsvImportMappingInput!) { setCsvImportMapping(input: $i) { id } }`, { i: { importId: body.import.id, mappings, uidColumn: 'Employee ID' } });
  const t2 = performance.now();
  const { commitCsvImport } = await client.ok<{ commitCsvImport: { id: string } }>(`mutation($i: CsvImportOptionsInput!) { commitCsvImport(input: $i) { id } }`, { i: { importId: body.import.id } });
  const t3 = performance.now();
  const run = await waitForRun(client, commitCsvImport.id, 30 * 60_000);
  const t4 = performance.now();
  memory.stop();
  if (run.status !== 'SUCCEEDED') throw new Error(`the import ended ${run.status}: ${run.reason}`);
  const { rows } = await db.query<{ ms: number }>(`SELECT extract(epoch FROM finished_at - started_at) * 1000 AS ms FROM sync_run WHERE id = $1`, [commitCsvImport.id]);
  return { run, uploadMs: t1 - t0, mapMs: t2 - t1, commitMs: t3 - t2, runMs: Number(rows[0]!.ms), totalMs: t4 - t0, memory: memory.rss - memory.base, live: memory.live - memory.liveBase };
}

/** The floor: csv-parse over the same file, then one set-based upsert of its rows into another list. */
async function floor(db: pg.Client, file: string, listId: string, orgId: string): Promise<{ ms: number; parseMs: number; upsertMs: number; written: number }> {
  const t0 = performance.now();
  const cols: string[][] = [[], [], [], [], [], []];
  let header = true;
  for await (const record of createReadStream(file).pipe(parse({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (header) {
      header = false;
      continue;
    }
    for (let i = 0; i < 6; i++) cols[i]!.push(record[i] ?? '');
  }
  const t1 = performance.now();
  const res = await db.query(
    `INSERT INTO person (id, organization_id, list_id, uid, status, "values", source, source_anchor, created_at, updated_at)
     SELECT gen_random_uuid(), $1, $2, u, 'ACTIVE',
            jsonb_build_object('employee_id', u, 'email', lower(e), 'first_name', f, 'last_name', l, 'department', d, 'start_date', s), 'csv', u, now(), now()
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(u, e, f, l, d, s)
     ON CONFLICT (list_id, uid) DO UPDATE SET "values" = EXCLUDED."values", updated_at = now()`,
    [orgId, listId, ...cols],
  );
  const t2 = performance.now();
  return { ms: t2 - t0, parseMs: t1 - t0, upsertMs: t2 - t1, written: res.rowCount ?? 0 };
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rollcall-bench-csv-'));
  try {
    await withBenchDatabase('rollcall_bench_csv', logger, async (dbUrl) => {
      let app: App | null = null;
      let db: pg.Client | null = null;
      try {
        const { createApp } = await import('../../api/src/app.js');
        app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
        db = new pg.Client({ connectionString: dbUrl });
        await db.connect();
        const pgVersion = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
        const big = path.join(dir, 'roster.csv');
        const small = path.join(dir, 'roster-quarter.csv');
        const bigSize = await writeRoster(big, ROWS);
        const smallSize = await writeRoster(small, Math.round(ROWS / 4));
        console.log(`\nRollcall CSV import benchmark: ${ROWS.toLocaleString('en')} rows (${mb(bigSize)}), PostgreSQL ${pgVersion}, Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}\n`);

        const anon = new GraphQLTestClient(`http://127.0.0.1:${app.port}`);
        const { setup } = await anon.ok<{ setup: { token: string } }>(`mutation($i: SetupInput!) { setup(input: $i) { token } }`, {
          i: { organizationName: 'Contoso', name: 'Bench Owner', email: 'owner@contoso.example', password: 'bench password 1' },
        });
        const client = anon.as(setup.token);

        const quarter = await importFile(client, db, small, 'Quarter');
        const full = await importFile(client, db, big, 'Staff');
        const floorList = await createStaffList(client, 'Floor');
        const orgId = (await db.query<{ id: string }>(`SELECT organization_id AS id FROM master_list WHERE id = $1`, [floorList])).rows[0]!.id;
        const f = await floor(db, big, floorList, orgId);
        const people = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person p JOIN master_list l ON l.id = p.list_id WHERE l.name = 'Staff'`)).rows[0]!.n;
        if (people !== ROWS || f.written !== ROWS) throw new Error(`the import left ${people} people and the floor wrote ${f.written}, expected ${ROWS}`);

        const ratio = full.totalMs / f.ms;
        console.log(`${'import'.padEnd(28)}  ${'total'.padStart(9)}  ${'upload'.padStart(9)}  ${'commit'.padStart(9)}  ${'run'.padStart(9)}  ${'peak RSS +'.padStart(10)}  ${'live heap +'.padStart(11)}  counts`);
        const line = (name: string, r: Import) =>
          console.log(`${name.padEnd(28)}  ${sec(r.totalMs).padStart(9)}  ${sec(r.uploadMs).padStart(9)}  ${sec(r.commitMs).padStart(9)}  ${sec(r.runMs).padStart(9)}  ${mb(r.memory).padStart(10)}  ${mb(r.live).padStart(11)}  ` +
            `seen ${r.run.counts.seen}, created ${r.run.counts.created}, errors ${r.run.counts.errors}`);
        line(`${Math.round(ROWS / 4).toLocaleString('en')} rows (${mb(smallSize)})`, quarter);
        line(`${ROWS.toLocaleString('en')} rows (${mb(bigSize)})`, full);
        console.log(`floor: csv-parse ${sec(f.parseMs)} + one unnest upsert ${sec(f.upsertMs)} = ${sec(f.ms)} (${f.written.toLocaleString('en')} rows; no audit rows, no events)`);
        console.log(`(upload streams and stores the file and counts its rows; commit checks every row before the run starts; the run maps, plans and writes people, audit rows and events)`);
        const grows = full.live - quarter.live;
        console.log(`\n${ratio <= GOAL ? 'PASS' : 'MISS'}  import within ${GOAL}x of the floor: ${ratio.toFixed(2)}x (${sec(full.totalMs)} against ${sec(f.ms)})`);
        console.log(`${grows <= FLAT_GOAL ? 'PASS' : 'MISS'}  memory flat in file size: live heap +${mb(quarter.live)} for ${mb(smallSize)}, +${mb(full.live)} for ${mb(bigSize)} (goal: the 4x file adds under ${mb(FLAT_GOAL)}); ` +
          `peak RSS +${mb(quarter.memory)} and +${mb(full.memory)} (garbage included)`);
        console.log(`\nCSV benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
      } finally {
        await db?.end().catch(() => undefined);
        await app?.stop();
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

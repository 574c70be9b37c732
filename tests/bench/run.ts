/**
 * npm run bench: the people listing on a 100,000-person list.
 *
 * For each scenario (sort, status, search, field filter) and depth (first page, a page halfway down), a page
 * of 100 over GraphQL (real HTTP, bearer token, the whole server) is timed next to the same page
 * as raw SQL: the very statements the API issued for that request (captured from its knex),
 * replayed through a bare `pg` pool the way the API runs them (page and count concurrently), so
 * the ratio is the cost of HTTP, GraphQL and the ORM on top of the database's own work.
 * It also counts SQL statements per request by page size and reads each query's plan
 * (EXPLAIN ANALYZE, BUFFERS). Goals: GraphQL within 2x of raw SQL; at most 3 statements per
 * request whatever the page size; no Seq Scan and no Sort over the whole list in a page query.
 *
 * Prints figures and a verdict per goal; exits non-zero only when something errors, never for a
 * missed goal. BENCH_PEOPLE and BENCH_ITERATIONS shrink a run; DATABASE_URL uses that server
 * instead of the embedded one under .data/bench-pg. The server runs with NODE_ENV=production, as
 * the Docker image does (graphql-js drops its development-only checks), unless NODE_ENV is set.
 *
 * Then the Entra sync section (entra.ts): full sync, re-sync and delta of 100,000 users against
 * the Graph simulator, next to bare-client-plus-COPY floors; then the CSV import section (csv.ts):
 * a 100,000-row file imported next to a csv-parse-plus-upsert floor, and memory against file size.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../../api/src/config.js';
import type { App } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { encodeCursor } from '../../api/src/shared/pagination.js';
import { sortIndexName } from '../../api/src/lists/lists.service.js';
import { withBenchDatabase } from './database.js';

// Read by graphql-js when it loads, so set before the app is imported (dynamically, in main).
process.env.NODE_ENV ??= 'production';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 50);
const WARMUP = 8;
const PAGE_SIZE = 100;
const CONCURRENCY = 4;
const CONCURRENT_SECONDS = 3;
/** A Sort node fed more rows than this sorts (most of) the list rather than a page. */
const BIG_SORT_ROWS = 5_000;
const logger = createLogger('warn');

const FIELDS: Array<[key: string, type: string]> = [
  ['first_name', 'TEXT'],
  ['last_name', 'TEXT'],
  ['email', 'EMAIL'],
  ['department', 'TEXT'],
  ['grade', 'NUMBER'],
  ['start_date', 'DATE'],
];

const FIRST_NAMES = `Ada Grace Alan Edsger Barbara Donald Frances Ken Margaret Tim Aisha Mohammed Wei Mei Hiroshi Yuki
  Olusegun Chiamaka Priya Arjun Sofia Mateo Lucia Diego Ingrid Lars Astrid Nikolai Olga Fatima Omar Leila Kwame Ama Jamal
  Keisha Liam Olivia Noah Emma Oliver Amelia Jack Isla Harry Ava Thomas Chloe James Sophie Daniel Zoe Samuel Ruby Joseph
  Maya Anna David Sara Michael Laura`.split(/\s+/);
const LAST_NAMES = `Lovelace Hopper Turing Dijkstra Liskov Knuth Allen Thompson Hamilton Berners-Lee Okafor Adeyemi Nguyen
  Tran Kim Park Chen Wang Zhang Tanaka Suzuki Sato Patel Sharma Singh Gupta Garcia Martinez Rodriguez Lopez Hernandez
  Silva Santos Johansson Andersson Nielsen Ivanova Petrov Kowalski Nowak Müller Schmidt Fischer Rossi Russo Dubois Martin
  Bernard O'Brien Murphy Kelly Smith Jones Williams Brown Taylor Wilson Evans Davies Roberts Walker Wright Green Hall
  Khan Ali Hussain Mensah Boateng Cohen Levi`.split(/\s+/);
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Legal', 'Support', 'Operations', 'Research', 'Design', 'Facilities', 'Security'];
/** A name in LAST_NAMES: a search someone would type, matching about 1.4% of the list. */
const SEARCH = 'hopper';
/** The statement that records a credential's last use: at most once a minute, not per request. */
const LAST_USE = /^update "?(auth_session|api_token)"? set last_used_at/i;

// ---------------------------------------------------------------------------------------------
// Figures

interface Stats {
  median: number;
  p95: number;
  /** Requests per second, one client issuing them back to back. */
  perSecond: number;
}

function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { median: at(0.5), p95: at(0.95), perSecond: 1000 / mean };
}

/** Times two variants alternately (so drift affects both alike), after a warm-up of each. */
async function timePair(a: () => Promise<void>, b: () => Promise<void>): Promise<[number[], number[]]> {
  for (let i = 0; i < WARMUP; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    let t0 = performance.now();
    await a();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    await b();
    tb.push(performance.now() - t0);
  }
  return [ta, tb];
}

/** Requests per second with `CONCURRENCY` clients issuing requests back to back. */
async function throughput(fn: () => Promise<void>): Promise<number> {
  const until = performance.now() + CONCURRENT_SECONDS * 1000;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await fn();
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

const ms = (n: number) => n.toFixed(2);

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Plans

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Actual Total Time': number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Heap Fetches'?: number;
  Plans?: PlanNode[];
}

interface PlanSummary {
  /** e.g. "Index Scan using person_sort_last_name (101 rows)". */
  access: string;
  executionMs: number;
  buffers: number;
  /** Seq Scans of person and Sorts of more than BIG_SORT_ROWS rows. */
  problems: string[];
}

function walk(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

async function explain(client: pg.Pool, sql: string): Promise<PlanSummary> {
  const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
  );
  const { Plan: root, 'Execution Time': executionMs } = rows[0]!['QUERY PLAN'][0]!;
  const access: string[] = [];
  const problems: string[] = [];
  walk(root, (n) => {
    const rowsOut = Math.round(n['Actual Rows'] * n['Actual Loops']);
    if (n['Relation Name'] === 'person') {
      const backward = n['Scan Direction'] === 'Backward' ? ' Backward' : '';
      const heap = n['Heap Fetches'] !== undefined ? `, ${n['Heap Fetches'].toLocaleString('en')} heap fetches` : '';
      access.push(`${n['Node Type']}${backward}${n['Index Name'] ? ` using ${n['Index Name']}` : ''} (${rowsOut.toLocaleString('en')} rows${heap})`);
      if (n['Node Type'] === 'Seq Scan') problems.push('SEQ SCAN of person');
    }
    if (/Sort$/.test(n['Node Type'])) {
      const input = Math.round((n.Plans ?? []).reduce((sum, c) => sum + c['Actual Rows'] * c['Actual Loops'], 0));
      const label = `${n['Node Type']} of ${input.toLocaleString('en')} rows`;
      access.push(label);
      if (input > BIG_SORT_ROWS) problems.push(label.toUpperCase());
    }
  });
  return { access: access.join(' ← '), executionMs, buffers: (root['Shared Hit Blocks'] ?? 0) + (root['Shared Read Blocks'] ?? 0), problems };
}

// ---------------------------------------------------------------------------------------------
// The run

const PAGE_QUERY = `query Page($l: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort, $filters: [FieldFilter!]) {
  people(listId: $l, first: $first, after: $after, status: $status, search: $search, sort: $sort, filters: $filters) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id uid status values } }
  }
}`;
interface PageResult {
  people: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ cursor: string; node: { id: string } }> };
}

/**
 * A listing to measure. `expr`, `dir` and `where` restate the API's order and conditions
 * independently, to find the row halfway down and check that the API's page starts after it.
 */
interface Scenario {
  name: string;
  vars: Record<string, unknown>;
  expr: string;
  dir: 'ASC' | 'DESC';
  where: string;
}

const jsonbSort = (key: string) => `coalesce(p."values"->'${key}', 'null'::jsonb)`;
const SCENARIOS: Scenario[] = [
  { name: 'sort by uid (default)', vars: {}, expr: 'p.uid', dir: 'ASC', where: `p.status = 'ACTIVE'` },
  { name: 'sort by last_name', vars: { sort: { field: 'last_name' } }, expr: jsonbSort('last_name'), dir: 'ASC', where: `p.status = 'ACTIVE'` },
  { name: 'sort by grade DESC', vars: { sort: { field: 'grade', direction: 'DESC' } }, expr: jsonbSort('grade'), dir: 'DESC', where: `p.status = 'ACTIVE'` },
  { name: 'status INACTIVE', vars: { status: 'INACTIVE' }, expr: 'p.uid', dir: 'ASC', where: `p.status = 'INACTIVE'` },
  { name: `search "${SEARCH}"`, vars: { search: SEARCH }, expr: 'p.uid', dir: 'ASC', where: `p.status = 'ACTIVE' AND p.search_text LIKE '%${SEARCH}%'` },
  {
    name: 'filter department = sales',
    vars: { filters: [{ field: 'department', operator: 'EQ', value: 'sales' }] },
    expr: 'p.uid',
    dir: 'ASC',
    where: `p.status = 'ACTIVE' AND lower(p."values"->>'department') = 'sales'`,
  },
];

interface Row {
  scenario: string;
  depth: string;
  api: Stats;
  raw: Stats;
  ratio: number;
  statements: number;
  page: PlanSummary;
  count: PlanSummary;
}

/**
 * GraphQL over HTTP with keep-alive sockets. node:http rather than fetch: the client shares this
 * process with the server, and fetch's web streams cost ~0.4 ms of CPU per request that would be
 * charged to the API (the raw-SQL side likewise uses the leanest client, pg itself).
 */
function graphqlClient(port: number, token: () => string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 * CONCURRENCY });
  return <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      if (token()) headers.authorization = `Bearer ${token()}`;
      const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: T; errors?: unknown[] };
            if (parsed.errors || !parsed.data) throw new Error(`GraphQL error (HTTP ${res.statusCode}): ${JSON.stringify(parsed.errors)}`);
            resolve(parsed.data);
          } catch (err) {
            reject(err);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}

/** Bulk-loads the list with set-based SQL: varied names, departments, grades, dates, gaps. */
async function seed(db: pg.Client, listId: string): Promise<void> {
  // h1..h6 are independent, stable pseudo-random integers per person (runs are comparable, and no
  // attribute predicts another). UIDs are a permutation of 1..1,000,002 (7919 is invertible
  // modulo the prime 1,000,003): unique, and not in insertion order, so an index scan in UID
  // order visits the heap as it would in real life.
  await db.query(
    `INSERT INTO person (id, organization_id, list_id, uid, status, "values", created_at, updated_at, deactivated_at)
     SELECT gen_random_uuid(), l.organization_id, l.id, s.v->>'employee_id', s.status, s.v, s.created_at,
            s.created_at + s.h6 % 400 * interval '1 day', CASE WHEN s.status = 'INACTIVE' THEN s.created_at + s.h6 % 900 * interval '1 day' END
       FROM master_list l,
            LATERAL (
              SELECT CASE WHEN h1 % 100 < 8 THEN 'INACTIVE' ELSE 'ACTIVE' END AS status, h6,
                     now() - h6 % (6 * 365) * interval '1 day' - h5 % 86400 * interval '1 second' AS created_at,
                     jsonb_strip_nulls(jsonb_build_object(
                       'employee_id', 'E' || lpad((g::bigint * 7919 % 1000003)::text, 7, '0'),
                       'first_name', first_name,
                       'last_name', last_name,
                       'email', lower(translate(first_name || '.' || last_name, ' ''', '')) || '.' || g || '@northwind.example',
                       'department', CASE WHEN h2 % 100 < 3 THEN NULL ELSE ($3::text[])[1 + h2 / 100 % array_length($3::text[], 1)] END,
                       'grade', CASE WHEN h5 % 50 = 0 THEN NULL ELSE 1 + h5 / 50 % 12 END,
                       'start_date', CASE WHEN h1 / 100 % 100 = 0 THEN NULL ELSE to_char(date '1998-01-01' + h5 / 1000 % 10000, 'YYYY-MM-DD') END
                     )) AS v
                FROM (
                  SELECT g, h1, h2, h5, h6,
                         ($4::text[])[1 + h3 % array_length($4::text[], 1)] AS first_name,
                         ($5::text[])[1 + h4 % array_length($5::text[], 1)] AS last_name
                    FROM generate_series(1, $2::int) g,
                         LATERAL (SELECT abs(hashint4(g)) AS h1, abs(hashint4(g + 1000003)) AS h2, abs(hashint4(g + 2000006)) AS h3,
                                         abs(hashint4(g + 3000009)) AS h4, abs(hashint4(g + 4000012)) AS h5, abs(hashint4(g + 5000015)) AS h6) h
                ) r
            ) s
      WHERE l.id = $1`,
    [listId, PEOPLE, DEPARTMENTS, FIRST_NAMES, LAST_NAMES],
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  await withBenchDatabase('rollcall_bench', logger, async (dbUrl) => {
    let app: App | null = null;
    let raw: pg.Pool | null = null;
    let db: pg.Client | null = null;
    try {
      const { createApp } = await import('../../api/src/app.js');
      app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }));
      // The raw-SQL floor: bare pg, two connections, as the API runs its page and count at once.
      raw = new pg.Pool({ connectionString: dbUrl, max: 2 });
      db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      const pgVersion = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
      console.log(`Rollcall people-listing benchmark: PostgreSQL ${pgVersion}, Node ${process.version} (NODE_ENV=${process.env.NODE_ENV}), ` +
        `${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)}; ${ITERATIONS} timed iterations after ${WARMUP} warm-up, pages of ${PAGE_SIZE}\n`);

      let token = '';
      const gql = graphqlClient(app.port, () => token);

      // Owner, list and fields through the API, as an administrator would.
      token = (await gql<{ setup: { token: string } }>(
        `mutation($i: SetupInput!) { setup(input: $i) { token } }`,
        { i: { organizationName: 'Northwind', name: 'Bench Owner', email: 'owner@northwind.example', password: 'bench password 1' } },
      )).setup.token;
      const listId = (await gql<{ createMasterList: { id: string } }>(
        `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
      )).createMasterList.id;
      for (const [key, type] of FIELDS) {
        await gql(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label: key, type } });
      }

      const t0 = performance.now();
      await seed(db, listId);
      const seeded = performance.now() - t0;
      // The first sort by a field has the server build its sort index in the background
      // (CONCURRENTLY): sort by each once, then wait until PostgreSQL reports them valid rather
      // than racing them. The figures below are those of fields people sort by.
      for (const [key] of FIELDS) await gql(`query($l: ID!, $s: PersonSort) { people(listId: $l, first: 1, sort: $s) { totalCount } }`, { l: listId, s: { field: key } });
      const wanted = FIELDS.map(([key]) => sortIndexName(key));
      for (const deadline = Date.now() + 120_000; ; ) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY($1) AND i.indisvalid AND i.indisready`,
          [wanted],
        );
        if (rows[0]!.n === wanted.length) break;
        if (Date.now() > deadline) throw new Error(`the sort indexes ${wanted.join(', ')} were not valid within two minutes`);
        await new Promise((r) => setTimeout(r, 200));
      }
      // Autovacuum would get here on its own after a bulk load (autovacuum_vacuum_insert_threshold):
      // statistics for the planner, and the visibility map that index-only scans rely on.
      // A transaction still open elsewhere (a background index build finishing) can keep VACUUM
      // from marking the new rows all-visible, so repeat it until it has.
      let visible = 0;
      for (let attempt = 0; attempt < 5 && visible < 0.99; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
        await db.query('VACUUM (ANALYZE) person');
        const { rows } = await db.query<{ visible: number }>(`SELECT relallvisible::float / greatest(relpages, 1) AS visible FROM pg_class WHERE relname = 'person'`);
        visible = rows[0]!.visible;
      }
      const { rows: sizes } = await db.query<{ n: number; active: number; table: string; indexes: string }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'ACTIVE')::int AS active,
                pg_size_pretty(pg_table_size('person')) AS table, pg_size_pretty(pg_indexes_size('person')) AS indexes FROM person`,
      );
      const size = sizes[0]!;
      console.log(`seeded ${size.n.toLocaleString('en')} people (${size.active.toLocaleString('en')} active) in ${(seeded / 1000).toFixed(1)} s; ` +
        `indexes valid, VACUUM ANALYZE done (${(visible * 100).toFixed(0)}% of pages all-visible) at ${((performance.now() - t0) / 1000).toFixed(1)} s; table ${size.table}, indexes ${size.indexes}`);

      // Every statement the server sends, as it starts. MikroORM inlines parameters (bindings are
      // empty), so a captured statement replays verbatim through a bare pg client.
      const captured: Array<{ sql: string; bindings: unknown[] }> = [];
      let lastUseUpdates = 0;
      app.orm.em.getKnex().on('query', (q: { sql: string; bindings?: unknown[] }) => captured.push({ sql: q.sql, bindings: q.bindings ?? [] }));
      const capture = async <T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> => {
        captured.length = 0;
        const result = await fn();
        // A fire-and-forget write (the token's last-use time) may start just after the response.
        await new Promise((r) => setTimeout(r, 20));
        if (captured.some((c) => c.bindings.length > 0)) throw new Error('a statement carried bindings: the replay expects SQL with parameters inlined by MikroORM');
        const statements = captured.map((c) => c.sql).filter((sql) => !LAST_USE.test(sql.trim()));
        lastUseUpdates += captured.length - statements.length;
        captured.length = 0;
        return { result, statements };
      };
      // A warm-up request: the first use of a token records its last-use time, once a minute.
      await gql(PAGE_QUERY, { l: listId, first: 1 });
      // The fixed cost of any signed-in request (HTTP, GraphQL, the token's statement), next to a
      // trivial statement through the bare pool: what no listing can go below.
      const [baseApiMs, baseRawMs] = await timePair(
        async () => {
          await gql('{ __typename }');
        },
        async () => {
          await raw!.query('SELECT 1');
        },
      );
      const base = { api: stats(baseApiMs), raw: stats(baseRawMs) };

      const rows: Row[] = [];
      for (const s of SCENARIOS) {
        // The row halfway down this listing, by an ORDER BY ... OFFSET written here, not the API's.
        const { rows: total } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM person p WHERE p.list_id = $1 AND ${s.where}`, [listId]);
        const half = Math.floor(total[0]!.n / 2);
        const { rows: around } = await db.query<{ v: unknown; id: string }>(
          `SELECT ${s.expr} AS v, p.id FROM person p WHERE p.list_id = $1 AND ${s.where} ORDER BY ${s.expr} ${s.dir}, p.id ${s.dir} OFFSET $2 LIMIT 2`,
          [listId, half - 1],
        );
        const depths: Array<[string, string | null, string | null]> = [
          ['first page', null, null],
          [`at ${half.toLocaleString('en')} of ${total[0]!.n.toLocaleString('en')}`, encodeCursor({ v: around[0]!.v, id: around[0]!.id }), around[1]!.id],
        ];
        for (const [depth, after, firstId] of depths) {
          const label = `${s.name}, ${depth}`;
          const vars = { l: listId, first: PAGE_SIZE, after, ...s.vars };
          const { result, statements } = await capture(() => gql<PageResult>(PAGE_QUERY, vars));
          const replay = statements.filter((sql) => /\bperson\b/.test(sql));
          const pageSql = replay.find((sql) => !/count\(\*\)/i.test(sql));
          const countSql = replay.find((sql) => /count\(\*\)/i.test(sql));
          if (replay.length !== 2 || !pageSql || !countSql) throw new Error(`${label}: expected a page and a count statement, captured:\n${statements.join('\n---\n')}`);
          const runRaw = () => Promise.all([raw!.query(pageSql), raw!.query(countSql)]);

          // Same page both ways, and the right one: a page that is wrong is not worth timing.
          const [rawPage, rawCount] = await runRaw();
          const apiIds = result.people.edges.map((e) => e.node.id);
          const rawIds = rawPage.rows.filter((r: { id: string | null }) => r.id !== null).slice(0, PAGE_SIZE).map((r: { id: string }) => r.id);
          const expected = Math.min(PAGE_SIZE, total[0]!.n - (after ? half : 0));
          if (apiIds.length !== expected || JSON.stringify(apiIds) !== JSON.stringify(rawIds)) throw new Error(`${label}: the GraphQL page differs from the replayed SQL page`);
          if (result.people.totalCount !== (rawCount.rows[0] as { n: number }).n) throw new Error(`${label}: totalCount differs from the replayed count`);
          if (result.people.totalCount !== total[0]!.n) throw new Error(`${label}: totalCount ${result.people.totalCount}, expected ${total[0]!.n}`);
          if (firstId && apiIds[0] !== firstId) throw new Error(`${label}: the page does not start right after the cursor's row`);

          const [apiMs, rawMs] = await timePair(
            async () => {
              await gql<PageResult>(PAGE_QUERY, vars);
            },
            async () => {
              await runRaw();
            },
          );
          const api = stats(apiMs);
          const rawStats = stats(rawMs);
          rows.push({
            scenario: s.name,
            depth,
            api,
            raw: rawStats,
            ratio: api.median / rawStats.median,
            statements: statements.length,
            page: await explain(raw, pageSql),
            count: await explain(raw, countSql),
          });
        }
      }

      // Statements per request by page size, for every scenario's first page.
      const bySize: Array<{ scenario: string; counts: Array<[number, string[]]> }> = [];
      for (const s of SCENARIOS) {
        const counts: Array<[number, string[]]> = [];
        for (const first of [10, 100, 500]) {
          const { statements } = await capture(() => gql<PageResult>(PAGE_QUERY, { l: listId, first, ...s.vars }));
          counts.push([first, statements]);
        }
        bySize.push({ scenario: s.name, counts });
      }

      // Throughput under load: several clients at once on this machine's cores.
      const first = rows[0]!;
      const { statements: firstStatements } = await capture(() => gql<PageResult>(PAGE_QUERY, { l: listId, first: PAGE_SIZE }));
      const [p, c] = [firstStatements.find((q) => /\bperson\b/.test(q) && !/count\(\*\)/i.test(q))!, firstStatements.find((q) => /count\(\*\)/i.test(q))!];
      const loadPool = new pg.Pool({ connectionString: dbUrl, max: 2 * CONCURRENCY });
      const apiLoad = await throughput(async () => {
        await gql(PAGE_QUERY, { l: listId, first: PAGE_SIZE });
      });
      const rawLoad = await throughput(async () => {
        await Promise.all([loadPool.query(p), loadPool.query(c)]);
      });
      await loadPool.end();

      // ---- Report -------------------------------------------------------------------------------
      console.log('\nTimings: a page of 100 with totalCount (ms; req/s = one client, back to back)\n');
      console.log(
        table(
          ['scenario', 'page', 'GraphQL p50', 'p95', 'req/s', 'raw SQL p50', 'p95', 'req/s', 'added', 'ratio', '≤ 2x', 'SQL/request'],
          rows.map((r) => [
            r.scenario,
            r.depth,
            ms(r.api.median),
            ms(r.api.p95),
            r.api.perSecond.toFixed(0),
            ms(r.raw.median),
            ms(r.raw.p95),
            r.raw.perSecond.toFixed(0),
            `${r.api.median >= r.raw.median ? '+' : ''}${ms(r.api.median - r.raw.median)}`,
            `${r.ratio.toFixed(2)}x`,
            r.ratio <= 2 ? 'met' : 'MISSED',
            String(r.statements),
          ]),
        ),
      );
      console.log(`\nFixed cost of a signed-in request: GraphQL { __typename } p50 ${ms(base.api.median)} ms (p95 ${ms(base.api.p95)}), ` +
        `raw SELECT 1 p50 ${ms(base.raw.median)} ms; "added" is GraphQL p50 minus raw SQL p50.`);
      console.log(`Under load (${CONCURRENCY} clients for ${CONCURRENT_SECONDS} s, ${first.scenario}, first page): ` +
        `GraphQL ${apiLoad.toFixed(0)} req/s, raw SQL ${rawLoad.toFixed(0)} req/s (${(rawLoad / apiLoad).toFixed(2)}x)`);

      console.log('\nPlans (EXPLAIN ANALYZE, BUFFERS of the statements the API issued)\n');
      console.log(
        table(
          ['scenario', 'page', 'page query: access path', 'ms', 'buffers', 'count query: access path', 'ms', 'flags'],
          rows.map((r) => [
            r.scenario,
            r.depth,
            r.page.access,
            ms(r.page.executionMs),
            String(r.page.buffers),
            r.count.access,
            ms(r.count.executionMs),
            r.page.problems.length ? r.page.problems.join(', ') : 'ok',
          ]),
        ),
      );

      console.log('\nSQL statements per people request, by page size (authentication, page, count)\n');
      console.log(
        table(
          ['scenario', ...[10, 100, 500].map((n) => `first: ${n}`), '≤ 3'],
          bySize.map((b) => [b.scenario, ...b.counts.map(([, st]) => String(st.length)), b.counts.every(([, st]) => st.length <= 3) ? 'met' : 'MISSED']),
        ),
      );
      const over = bySize.flatMap((b) => b.counts.filter(([, st]) => st.length > 3).map(([n, st]) => `${b.scenario}, first ${n}:\n    ${st.join('\n    ')}`));
      if (lastUseUpdates) console.log(`\n(${lastUseUpdates} last-use update(s) of the bearer token left out: the API records a credential's use at most once a minute.)`);
      if (over.length) console.log(`\nStatements of the requests over budget:\n  ${over.join('\n  ')}`);

      // ---- Verdicts -----------------------------------------------------------------------------
      const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const slow = rows.filter((r) => r.ratio > 2);
      const maxStatements = Math.max(...bySize.flatMap((b) => b.counts.map(([, st]) => st.length)), ...rows.map((r) => r.statements));
      const flagged = rows.filter((r) => r.page.problems.length > 0);
      const verdicts = [
        slow.length === 0
          ? `met     GraphQL within 2x of raw SQL: worst ${worst.ratio.toFixed(2)}x (${worst.scenario}, ${worst.depth})`
          : `MISSED  GraphQL within 2x of raw SQL in ${slow.length} of ${rows.length}: ${slow.map((r) => `${r.scenario}, ${r.depth} at ${r.ratio.toFixed(2)}x`).join('; ')}` +
            ` (the API adds ${ms(Math.min(...rows.map((r) => r.api.median - r.raw.median)))}-${ms(Math.max(...rows.map((r) => r.api.median - r.raw.median)))} ms;` +
            ` a signed-in { __typename } alone adds ${ms(base.api.median - base.raw.median)} ms over a bare SELECT 1, so a page whose SQL takes less than that cannot be within 2x)`,
        maxStatements <= 3
          ? `met     at most 3 SQL statements per request whatever the page size: at most ${maxStatements} for pages of 10, 100 and 500`
          : `MISSED  at most 3 SQL statements per request: up to ${maxStatements}`,
        flagged.length === 0
          ? `met     page queries use indexes: no Seq Scan of person, no Sort of more than ${BIG_SORT_ROWS.toLocaleString('en')} rows`
          : `MISSED  page queries use indexes: ${flagged.map((r) => `${r.scenario}, ${r.depth}: ${r.page.problems.join(', ')}`).join('; ')}`,
      ];
      console.log(`\nVerdicts\n  ${verdicts.join('\n  ')}`);
      const missed = verdicts.filter((v) => v.startsWith('MISSED')).length;
      if (missed) console.log(`\n!!! MISSED ${missed} of ${verdicts.length} people-listing goals (see above) !!!`);
      console.log(`\nbenchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } finally {
      await db?.end().catch(() => undefined);
      await raw?.end().catch(() => undefined);
      await app?.stop();
    }
  });
}

/**
 * A section of the benchmark (entra.ts, csv.ts, scim.ts) in a process of its own: the Entra one
 * needs the simulator's certificate in NODE_EXTRA_CA_CERTS from the start, and each section's
 * memory figures must be its own.
 */
async function section(file: string, name: string): Promise<void> {
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', path.join(import.meta.dirname, file), ...process.argv.slice(2)], { stdio: 'inherit' });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) throw new Error(`the ${name} benchmark failed (exit code ${code})`);
}

// Sections: the listing (this file), Entra sync, CSV import, SCIM and SCIM load. --X-only (BENCH_X=only)
// runs just one of entra, csv, scim and load (BENCH_LOAD_SECONDS, BENCH_LOAD_CLIENTS and
// BENCH_LOAD_ENTRA_USERS shorten it); --no-X (BENCH_X=skip) leaves it out. --million
// (BENCH_ENTRA_USERS=1000000) syncs a million users instead of 100,000; --csv-rows=N
// (BENCH_CSV_ROWS) imports N rows instead of 100,000; --scim-people=N (BENCH_SCIM_PEOPLE)
// provisions a larger list than 10,000. Through the root `npm run bench`, npm keeps flags to
// itself: use the variables there, or `npm run bench -w @rollcall/tests -- --csv-only`.
const flag = (name: string, env: string, value: string) => process.argv.includes(`--${value === 'only' ? `${name}-only` : `no-${name}`}`) || process.env[env] === value;
const sections = [
  { name: 'entra', env: 'BENCH_ENTRA', file: 'entra.ts', title: 'Entra sync' },
  { name: 'csv', env: 'BENCH_CSV', file: 'csv.ts', title: 'CSV import' },
  { name: 'scim', env: 'BENCH_SCIM', file: 'scim.ts', title: 'SCIM' },
  { name: 'load', env: 'BENCH_LOAD', file: 'load.ts', title: 'SCIM load with an Entra sync' },
];
const onlyOne = sections.find((x) => flag(x.name, x.env, 'only'));
(async () => {
  if (!onlyOne) await main();
  for (const x of sections) {
    if (onlyOne ? onlyOne !== x : flag(x.name, x.env, 'skip')) continue;
    await section(x.file, x.title);
  }
})().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

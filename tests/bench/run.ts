/**
 * npm run bench: people listing on a 100,000-person list.
 * For each scenario: a page of 100 over GraphQL (real HTTP, bearer token, the full server) next
 * to the same page as raw SQL through a bare pg client in the same run (the floor), their
 * ratio against the 2x goal, the SQL statements per GraphQL request, and the page query's plan.
 * Prints figures; exits non-zero only when something errors.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../../api/src/config.js';
import { createApp } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { sortIndexName } from '../../api/src/lists/lists.service.js';
import { databaseUrl, startPgServer } from '../support/pg-server.js';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 60);
const logger = createLogger('warn');

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function time(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  const { adminUrl, stop: stopCluster } = await startPgServer('bench-pg', 54349, logger);
  const dbName = `rollcall_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = databaseUrl(adminUrl, dbName);
  const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' }));
  const raw = new pg.Client({ connectionString: dbUrl });
  await raw.connect();
  try {
    const base = `http://127.0.0.1:${app.port}/graphql`;
    let token = '';
    const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
      const res = await fetch(base, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data!;
    };
    token = (await gql<{ setup: { token: string } }>(
      `mutation { setup(input: { organizationName: "Bench", name: "Bench", email: "bench@bench.test", password: "bench password 1" }) { token } }`,
    )).setup.token;
    const listId = (await gql<{ createMasterList: { id: string } }>(
      `mutation { createMasterList(input: { name: "Staff", uidField: { key: "employee_id", label: "Employee ID", type: TEXT } }) { id } }`,
    )).createMasterList.id;
    for (const [key, type] of [['first_name', 'TEXT'], ['last_name', 'TEXT'], ['email', 'EMAIL'], ['department', 'TEXT'], ['grade', 'NUMBER'], ['start_date', 'DATE']]) {
      await gql(`mutation($l: ID!, $i: FieldInput!) { addField(listId: $l, input: $i) { id } }`, { l: listId, i: { key, label: key, type } });
    }

    const t0 = performance.now();
    await raw.query(
      `INSERT INTO person (id, organization_id, list_id, uid, status, "values", created_at, updated_at)
       SELECT gen_random_uuid(), l.organization_id, l.id, v->>'employee_id',
              CASE WHEN g % 10 = 0 THEN 'INACTIVE' ELSE 'ACTIVE' END, v,
              now() - (g || ' seconds')::interval, now()
         FROM master_list l,
              LATERAL (SELECT g, jsonb_build_object(
                'employee_id', 'E' || lpad(g::text, 7, '0'),
                'first_name', (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','Ken','Margaret','Tim'])[1 + g % 10] || g,
                'last_name', (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Allen','Thompson','Hamilton','Berners-Lee'])[1 + (g / 10) % 10] || '-' || (g % 997),
                'email', 'person' || g || '@example.org',
                'department', (ARRAY['Science','Maths','English','History','Art','Music','Sport','Admin'])[1 + g % 8],
                'grade', (g % 12) + 1,
                'start_date', to_char(date '2000-01-01' + (g % 9000), 'YYYY-MM-DD')) AS v
              FROM generate_series(1, $2::int) g) s
        WHERE l.id = $1`,
      [listId, PEOPLE],
    );
    // The server builds each field's sort index in the background (CONCURRENTLY) after addField;
    // wait until they are valid rather than racing them.
    const wanted = ['first_name', 'last_name', 'email', 'department', 'grade', 'start_date'].map(sortIndexName);
    for (let waited = 0; ; waited += 100) {
      const { rows } = await raw.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ANY($1) AND i.indisvalid`,
        [wanted],
      );
      if (rows[0]!.n === wanted.length) break;
      if (waited > 60_000) throw new Error('the sort indexes were not built within a minute');
      await new Promise((r) => setTimeout(r, 100));
    }
    await raw.query('ANALYZE person');
    console.log(`seeded ${PEOPLE.toLocaleString()} people in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    const org = (await raw.query<{ organization_id: string }>('SELECT organization_id FROM master_list WHERE id = $1', [listId])).rows[0]!.organization_id;
    const statements: string[] = [];
    app.orm.em.getKnex().on('query', (q: { sql: string }) => statements.push(q.sql));

    const PAGE_QUERY = `query($l: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {
      people(listId: $l, first: $first, after: $after, status: $status, search: $search, sort: $sort) {
        totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id uid status values } } } }`;
    type PageResult = { people: { totalCount: number; pageInfo: { endCursor: string }; edges: unknown[] } };

    interface Scenario {
      name: string;
      vars: Record<string, unknown>;
      expr: string;
      desc: boolean;
      where: string;
      params: unknown[];
      /** A keyset position deep in the list: [sort value (SQL literal param), id]. */
      deep?: boolean;
    }
    const mid = (await raw.query<{ uid: string; id: string }>(`SELECT uid, id FROM person WHERE list_id = $1 ORDER BY uid, id OFFSET $2 LIMIT 1`, [listId, Math.floor(PEOPLE / 2)])).rows[0]!;
    const scenarios: Scenario[] = [
      { name: 'first page, sort by UID', vars: {}, expr: 'p.uid', desc: false, where: `p.status = 'ACTIVE'`, params: [] },
      { name: 'page at 50%, sort by UID', vars: {}, expr: 'p.uid', desc: false, where: `p.status = 'ACTIVE'`, params: [], deep: true },
      { name: 'sort by last_name', vars: { sort: { field: 'last_name' } }, expr: `coalesce(p."values"->'last_name', 'null'::jsonb)`, desc: false, where: `p.status = 'ACTIVE'`, params: [] },
      { name: 'sort by grade DESC', vars: { sort: { field: 'grade', direction: 'DESC' } }, expr: `coalesce(p."values"->'grade', 'null'::jsonb)`, desc: true, where: `p.status = 'ACTIVE'`, params: [] },
      { name: 'status INACTIVE', vars: { status: 'INACTIVE' }, expr: 'p.uid', desc: false, where: `p.status = 'INACTIVE'`, params: [] },
      { name: 'search "hopper"', vars: { search: 'hopper' }, expr: 'p.uid', desc: false, where: `p.status = 'ACTIVE' AND p.search_text LIKE '%hopper%'`, params: [] },
    ];

    const rows: string[][] = [];
    for (const s of scenarios) {
      let after: string | null = null;
      let rawAfter = '';
      if (s.deep) {
        after = Buffer.from(JSON.stringify([mid.uid, mid.id])).toString('base64url');
        rawAfter = ` AND (p.uid, p.id) > ('${mid.uid}', '${mid.id}'::uuid)`;
      }
      const vars = { l: listId, first: 100, after, ...s.vars };
      const apiMs = await time(async () => {
        const d = await gql<PageResult>(PAGE_QUERY, vars);
        if (d.people.edges.length === 0) throw new Error(`${s.name}: empty page`);
      });
      const dir = s.desc ? 'DESC' : 'ASC';
      const pageSql = `SELECT p.id, p.uid, p.status, p."values", ${s.expr} AS sort_value FROM person p
        WHERE p.list_id = $1 AND ${s.where}${rawAfter} ORDER BY ${s.expr} ${dir}, p.id ${dir} LIMIT 101`;
      const countSql = `SELECT count(*) FROM person p WHERE p.list_id = $1 AND p.organization_id = $2 AND ${s.where}`;
      const rawMs = await time(async () => {
        await Promise.all([raw.query(pageSql, [listId]), raw.query(countSql, [listId, org])]);
      });
      statements.length = 0;
      await gql(PAGE_QUERY, vars);
      const count = statements.length;
      const plan = (await raw.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${pageSql}`, [listId])).rows.map((r) => r['QUERY PLAN']);
      const planTop = plan.find((l) => /Scan|Sort/.test(l))?.trim().replace(/\s+\(cost.*$/, '') ?? plan[0]!;
      const a = stats(apiMs);
      const r = stats(rawMs);
      const ratio = a.median / r.median;
      rows.push([s.name, a.median.toFixed(2), a.p95.toFixed(2), r.median.toFixed(2), ratio.toFixed(2), ratio <= 2 ? 'met' : 'MISSED', String(count), count <= 3 ? 'met' : 'MISSED', planTop]);
    }

    const counts: string[] = [];
    for (const first of [10, 100, 500]) {
      statements.length = 0;
      await gql(PAGE_QUERY, { l: listId, first });
      counts.push(`${first}: ${statements.length}`);
    }

    const head = ['scenario (page of 100)', 'GraphQL p50 ms', 'p95', 'raw SQL p50 ms', 'ratio', '≤2x', 'SQL stmts', '≤3', 'plan (raw page query)'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
    console.log(line(head));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log(`\nSQL statements per people request by page size: ${counts.join(', ')} (goal: at most 3 whatever the page size)`);
    const missed = rows.filter((r) => r[5] !== 'met' || r[7] !== 'met');
    console.log(missed.length ? `\nMISSED: ${missed.map((r) => r[0]).join('; ')}` : '\nAll people-listing goals met: GraphQL within 2x of raw SQL, at most 3 statements per request.');
  } finally {
    await raw.end();
    await app.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await stopCluster();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * The SCIM section of `npm run bench` (alone: BENCH_SCIM=only, or --scim-only on run.ts): lookups (`userName eq`),
 * creates, PATCHes and list pages deep in the list, at 16 and 75 concurrent clients, through
 * the whole server (real HTTP, bearer token, the provisioning log), each next to a floor measured
 * in the same run: a bare Node HTTP handler running the same indexed SQL through `pg` (for
 * creates, the durable insert of the person and the SCIM identity in one transaction). The clients
 * run in a process of their own (scim-client.ts), as identity providers do, so the load they
 * generate does not share an event loop with the server measured.
 *
 * BENCH_SCIM_PEOPLE (or --scim-people=N) sets the list size: 10,000 by default; 100,000 and
 * 1,000,000 are possible but take minutes to seed. BENCH_SCIM_SECONDS sets each measurement's
 * length (3 s), each after half a second of the same load unmeasured, and each scenario on a
 * settled database (person and scim_user vacuumed, a checkpoint). BENCH_SCIM_CLIENTS (16,75)
 * and BENCH_SCIM_SCENARIOS (names, or parts of them: create,list page) narrow a run. Prints figures and verdicts; exits non-zero only when something errors.
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig } from '../../api/src/config.js';
import type { App } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { withBenchDatabase } from './database.js';
import type { Measure, Result, ScenarioName } from './scim-client.js';

process.env.NODE_ENV ??= 'production';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const PEOPLE = Number(flag('scim-people') ?? process.env.BENCH_SCIM_PEOPLE ?? 10_000);
const SECONDS = Number(process.env.BENCH_SCIM_SECONDS ?? 3);
const CLIENTS = (process.env.BENCH_SCIM_CLIENTS ?? '16,75').split(',').map(Number);
/** Only the scenarios whose names contain one of these (comma-separated), e.g. BENCH_SCIM_SCENARIOS=create; all by default. */
const ONLY = process.env.BENCH_SCIM_SCENARIOS?.split(',').filter(Boolean) ?? null;
const logger = createLogger('warn');
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** The clients' process (scim-client.ts), asked for one measurement at a time. */
class Clients {
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok?: Result; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error) w?.reject(new Error(m.error));
      else w?.resolve(m.ok!);
    });
    child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`the clients' process exited (${code})`));
      this.waiting.clear();
    });
  }

  static launch(): Clients {
    return new Clients(fork(path.join(import.meta.dirname, 'scim-client.ts'), [], { execArgv: process.execArgv.filter((a) => a !== '--expose-gc'), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  measure(m: Measure): Promise<Result> {
    const id = this.next++;
    return new Promise<Result>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, measure: m });
    });
  }

  stop(): void {
    this.child.disconnect();
  }
}

/** The floor: the same indexed SQL behind a bare Node HTTP handler (no auth, no mapping, no audit). */
function floorServer(pool: pg.Pool, listId: string, orgId: string): http.Server {
  const SELECT = `SELECT su.person_id, su.scim_id, su.user_name, su.external_id, su.resource, su.version, p.version, p.status, su.created_at, su.updated_at
    FROM scim_user su JOIN person p ON p.id = su.person_id`;
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        let body: unknown;
        if (req.method === 'GET' && url.searchParams.has('filter')) {
          const userName = /"(.*)"/.exec(url.searchParams.get('filter')!)![1];
          // One statement, as the API: a page that is not full gives the total.
          const page = await pool.query(`${SELECT} WHERE su.list_id = $1 AND lower(su.user_name) = lower($2) ORDER BY su.created_at, su.person_id LIMIT 100`, [listId, userName]);
          body = { totalResults: page.rows.length, Resources: page.rows };
        } else if (req.method === 'GET') {
          const start = Number(url.searchParams.get('startIndex') ?? 1);
          const [page, count] = await Promise.all([
            pool.query(
              `WITH page AS (SELECT * FROM unnest(ARRAY(SELECT su.person_id FROM scim_user su WHERE su.list_id = $1 ORDER BY su.created_at, su.person_id LIMIT 100 OFFSET $2)) WITH ORDINALITY AS page(person_id, n))
               ${SELECT} JOIN page ON page.person_id = su.person_id ORDER BY page.n`,
              [listId, start - 1],
            ),
            pool.query(`SELECT count(*)::int AS n FROM scim_user su WHERE su.list_id = $1`, [listId]),
          ]);
          body = { totalResults: count.rows[0].n, Resources: page.rows };
        } else if (req.method === 'POST') {
          const user = JSON.parse(Buffer.concat(chunks).toString()) as { userName: string };
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            const p = await c.query(
              `INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor) VALUES (gen_random_uuid(), $1, $2, $3, $4, 'scim', gen_random_uuid()::text) RETURNING id, source_anchor`,
              [orgId, listId, user.userName, JSON.stringify({ username: user.userName })],
            );
            await c.query(`INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, resource) VALUES ($1, $2, $3, $4, $5, $6)`, [p.rows[0].id, orgId, listId, p.rows[0].source_anchor, user.userName, JSON.stringify(user)]);
            await c.query('COMMIT');
          } catch (err) {
            await c.query('ROLLBACK');
            throw err;
          } finally {
            c.release();
          }
          res.statusCode = 201;
          body = user;
        } else {
          const id = url.pathname.split('/').pop();
          const r = await pool.query(`UPDATE scim_user SET resource = jsonb_set(resource, '{title}', to_jsonb($3::text)), version = version + 1 WHERE list_id = $1 AND scim_id = $2 RETURNING resource`, [listId, id, `T${Date.now()}`]);
          body = r.rows[0];
        }
        res.setHeader('content-type', 'application/scim+json');
        res.end(JSON.stringify(body));
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    });
  });
}

const GROUP_MEMBERS = 50_000;
const GROUP_ADDED = 1_000;

/**
 * A PATCH adding 1,000 members to a 50,000-member group, as Entra sends it (`Add` on `members`, no
 * query parameters), on a list of its own: three times, each with 1,000 users not yet members, after
 * a first group PATCH of the process that is reported apart.
 */
async function bigGroupPatch(
  appUrl: string,
  scimList: (name: string, people: number) => Promise<{ listId: string; orgId: string; token: string }>,
  vacuum: (table: string) => Promise<void>,
  pool: pg.Pool,
): Promise<string> {
  const t = performance.now();
  const { listId, orgId, token } = await scimList('Groups', GROUP_MEMBERS + 4 * GROUP_ADDED);
  const groupId = (await pool.query(`INSERT INTO scim_group (id, organization_id, list_id, display_name) VALUES (gen_random_uuid(), $1, $2, 'All staff') RETURNING id`, [orgId, listId])).rows[0].id as string;
  await pool.query(
    `INSERT INTO scim_group_member (group_id, person_id) SELECT $1, person_id FROM scim_user WHERE list_id = $2 ORDER BY created_at LIMIT $3`,
    [groupId, listId, GROUP_MEMBERS],
  );
  await pool.query(`UPDATE person SET "values" = "values" || '{"groups": "All staff"}' WHERE id IN (SELECT person_id FROM scim_group_member WHERE group_id = $1)`, [groupId]);
  await vacuum('person');
  await vacuum('scim_user');
  await vacuum('scim_group_member');
  // The seeding wrote ~1 GB of WAL: its checkpoint runs now, not under the measured PATCHes (needs a superuser; skipped otherwise).
  await pool.query('CHECKPOINT').catch(() => undefined);
  const outside = (await pool.query(`SELECT scim_id FROM scim_user WHERE list_id = $1 ORDER BY created_at OFFSET $2`, [listId, GROUP_MEMBERS])).rows.map((r) => r.scim_id as string);
  console.log(`\nSCIM: seeded a ${GROUP_MEMBERS.toLocaleString()}-member group in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  let bytes = 0;
  const addMembers = async (group: string, ids: string[]): Promise<number> => {
    const s = performance.now();
    const res = await fetch(`${appUrl}/scim/v2/lists/${listId}/Groups/${group}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json', 'user-agent': 'Azure AD SCIM Bench' },
      body: JSON.stringify({ schemas: [PATCH], Operations: [{ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }] }),
    });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status >= 300) throw new Error(`group PATCH answered ${res.status}`);
    return performance.now() - s;
  };
  // The process's first group write (new code paths compiled, each pooled connection opening the
  // person table's twenty indexes) goes to a small group of 1,000 members of its own, reported apart.
  const small = (await pool.query(`INSERT INTO scim_group (id, organization_id, list_id, display_name) VALUES (gen_random_uuid(), $1, $2, 'Warm-up') RETURNING id`, [orgId, listId])).rows[0].id as string;
  const first = await addMembers(small, outside.slice(3 * GROUP_ADDED, 4 * GROUP_ADDED));
  // The list's first group made its Groups field, whose sort index now builds in the background: measured after it.
  for (let i = 0; i < 600 && (await pool.query(`SELECT 1 FROM pg_stat_progress_create_index`)).rowCount! > 0; i++) await new Promise((r) => setTimeout(r, 200));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push(await addMembers(groupId, outside.slice(i * GROUP_ADDED, (i + 1) * GROUP_ADDED)));
  const members = Number((await pool.query(`SELECT count(*) FROM scim_group_member WHERE group_id = $1`, [groupId])).rows[0].count);
  if (members !== GROUP_MEMBERS + 3 * GROUP_ADDED) return `MISS group PATCH: the group has ${members} members, not ${GROUP_MEMBERS + 3 * GROUP_ADDED}`;
  const worst = Math.max(...times);
  return `${worst < 500 ? 'MET ' : 'MISS'} PATCH adding ${GROUP_ADDED.toLocaleString()} members to a ${GROUP_MEMBERS.toLocaleString()}-member group under 500 ms: ${times.map((x) => x.toFixed(0)).join(', ')} ms (response ${bytes.toLocaleString()} bytes; the process's first group PATCH, 1,000 members into an empty group: ${first.toFixed(0)} ms)`;
}

async function main(): Promise<void> {
  await withBenchDatabase('bench_scim', logger, async (dbUrl) => {
    let app: App | null = null;
    const pool = new pg.Pool({ connectionString: dbUrl, max: 20 });
    let floor: http.Server | null = null;
    let clients: Clients | null = null;
    try {
      const { createApp } = await import('../../api/src/app.js');
      app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent', ROLLCALL_SCIM_RATE_PER_SECOND: '1000000' }), { logger });
      const gql = async <T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> => {
        const res = await fetch(`${app!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
        const json = (await res.json()) as { data: T; errors?: unknown };
        if (json.errors) throw new Error(JSON.stringify(json.errors));
        return json.data;
      };
      const owner = (await gql<{ setup: { token: string } }>(`mutation($i: SetupInput!) { setup(input: $i) { token } }`, { i: { organizationName: 'Northwind', name: 'Bench Owner', email: 'owner@northwind.example', password: 'bench password 1' } })).setup.token;
      /** A SCIM-connected list of `people` provisioned users (user1@… upwards), seeded set-based as the people benchmark seeds; its id, organisation and token. */
      const scimList = async (name: string, people: number) => {
        const id = (await gql<{ createMasterList: { id: string } }>(`mutation($n: String!) { createMasterList(input: { name: $n, uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`, { n: name }, owner)).createMasterList.id;
        await gql(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: USERNAME) { connected } }`, { l: id }, owner);
        const tok = (await gql<{ generateScimToken: { token: string } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: id }, owner)).generateScimToken.token;
        const org = (await pool.query(`SELECT organization_id FROM master_list WHERE id = $1`, [id])).rows[0].organization_id as string;
        await pool.query(
          `INSERT INTO person (id, organization_id, list_id, uid, "values", source, source_anchor, created_at)
           SELECT gen_random_uuid(), $1, $2, 'user' || i || '@bench.example', jsonb_build_object('username', 'user' || i || '@bench.example', 'first_name', 'First' || i, 'last_name', 'Last' || i),
                  'scim', md5($4 || i)::uuid::text, now() - (($3 - i) || ' seconds')::interval
             FROM generate_series(1, $3) i`,
          [org, id, people, `${id}:`],
        );
        await pool.query(
          `INSERT INTO scim_user (person_id, organization_id, list_id, scim_id, user_name, resource, created_at, updated_at)
           SELECT id, organization_id, list_id, source_anchor, uid, jsonb_build_object('userName', uid, 'name', jsonb_build_object('givenName', "values"->>'first_name', 'familyName', "values"->>'last_name')), created_at, created_at
             FROM person WHERE list_id = $1`,
          [id],
        );
        return { listId: id, orgId: org, token: tok };
      };
      /** VACUUM ANALYZE, retried: it can deadlock with the background build of a new list's sort indexes (40P01). */
      const vacuum = async (table: string) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return void (await pool.query(`VACUUM ANALYZE ${table}`));
          } catch (err) {
            if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };

      const settle = async () => {
        await vacuum('person');
        await vacuum('scim_user');
        await pool.query('CHECKPOINT').catch(() => undefined);
      };

      const t = performance.now();
      const { listId, orgId, token } = await scimList('Staff', PEOPLE);
      console.log(`\nSCIM: seeded ${PEOPLE.toLocaleString()} provisioned people in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      floor = floorServer(pool, listId, orgId);
      await new Promise<void>((r) => floor!.listen(0, '127.0.0.1', () => r()));
      const floorPort = (floor.address() as { port: number }).port;
      const base = `/scim/v2/lists/${listId}`;
      const ids = (await pool.query(`SELECT scim_id FROM scim_user WHERE list_id = $1 ORDER BY random() LIMIT 2000`, [listId])).rows.map((r) => r.scim_id as string);
      const run = `${process.pid}${Date.now() % 100000}`;
      const scenarios: ScenarioName[] = ['lookup userName eq', 'create', 'PATCH replace title', 'list page (deep, count=100)'];
      const rows: string[][] = [];
      const verdicts: string[] = [];
      clients = Clients.launch();
      for (const n of CLIENTS) {
        for (const name of scenarios.filter((x) => !ONLY || ONLY.some((o) => x.includes(o)))) {
          // Each scenario starts on a settled database: the rows the previous ones wrote vacuumed
          // and checkpointed now, not by autovacuum and the checkpointer under this measurement
          // (at 100,000 people they cut the floor's own page rate to a third). The load benchmark
          // is where everything runs at once.
          await settle();
          const common = { scenario: name, token, clients: n, seconds: SECONDS, people: PEOPLE, ids };
          const r = await clients.measure({ ...common, port: app.port, base, run: `${run}-${n}`, strict: true });
          const f = await clients.measure({ ...common, port: floorPort, base: '', run: `${run}-${n + 1000}`, strict: false });
          rows.push([name, String(n), r.perSecond.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), f.perSecond.toFixed(0), f.p50.toFixed(1), f.p99.toFixed(1), (r.perSecond / f.perSecond).toFixed(2)]);
          if (name.startsWith('lookup')) verdicts.push(`${r.perSecond >= f.perSecond / 2 ? 'MET ' : 'MISS'} lookups at ${n} clients at least half the floor: ${r.perSecond.toFixed(0)}/s vs ${f.perSecond.toFixed(0)}/s`);
          if (name === 'create') verdicts.push(`${r.perSecond >= 0.8 * f.perSecond ? 'MET ' : 'MISS'} creates at ${n} clients at least 80% of the durable floor: ${r.perSecond.toFixed(0)}/s vs ${f.perSecond.toFixed(0)}/s`);
          if (name.startsWith('list page')) verdicts.push(`${r.p99 < 200 ? 'MET ' : 'MISS'} deep list page p99 under 200 ms at ${n} clients: ${r.p99.toFixed(1)} ms (keyset from remembered positions; ${PEOPLE.toLocaleString()} people)`);
          if (r.errors) verdicts.push(`MISS ${r.errors} errors in ${name} at ${n} clients`);
        }
      }
      const head = ['scenario', 'clients', 'API /s', 'p50 ms', 'p99 ms', 'errors', 'floor /s', 'p50 ms', 'p99 ms', 'ratio'];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
      console.log(`\nSCIM throughput, ${PEOPLE.toLocaleString()} people, ${SECONDS} s per measurement (noisy: the machine is shared)\n${[line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')}`);
      if (!ONLY || ONLY.some((o) => 'group PATCH'.includes(o))) verdicts.push(await bigGroupPatch(app.url, scimList, vacuum, pool));
      console.log(`\nVerdicts (SCIM)\n  ${verdicts.join('\n  ')}`);
    } finally {
      clients?.stop();
      floor?.close();
      await pool.end().catch(() => undefined);
      await app?.stop();
    }
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

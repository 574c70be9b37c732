/**
 * npm run bench, load section (alone: BENCH_LOAD=only; left out: BENCH_LOAD=skip): SCIM at 64
 * concurrent clients for 60 seconds, mixed (create, get, filter lookup, PATCH, PUT, deactivate),
 * while full Entra syncs of another list run back to back from the Graph simulator (20,000 users).
 * The whole server runs in this process as `npm start` runs it; the simulator in its own.
 *
 * Each client owns the users it creates and keeps what the server told it succeeded (the last
 * acknowledged userName, given name, title and active state of each). Afterwards: zero errors;
 * p50/p95/p99 per operation; the SCIM list holds exactly the acknowledged users (by count, no
 * duplicated UID or SCIM id, and by content, user by user); the Entra list equals the directory
 * (by count and by content). BENCH_LOAD_SECONDS, BENCH_LOAD_CLIENTS and BENCH_LOAD_ENTRA_USERS
 * change the duration, the clients and the tenant for quicker runs.
 *
 * Prints figures and verdicts; exits non-zero only when something errors, never for a missed goal.
 */
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { loadConfig, repoRoot } from '../../api/src/config.js';
import type { App } from '../../api/src/app.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { configure, createConnection, createStaffList, waitForRun } from '../support/entra.js';
import { withBenchDatabase } from './database.js';
import { SimHost, runTrustingSimulator } from './graph-sim-client.js';

process.env.NODE_ENV ??= 'production';

const args = process.argv.slice(2);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 64);
const ENTRA_USERS = Number(process.env.BENCH_LOAD_ENTRA_USERS ?? 20_000);
for (const [name, v] of [['BENCH_LOAD_SECONDS', SECONDS], ['BENCH_LOAD_CLIENTS', CLIENTS], ['BENCH_LOAD_ENTRA_USERS', ENTRA_USERS]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number of at least 1, not ${v}`);
}
const certDir = path.join(repoRoot, '.data', 'bench-graph-sim');
const logger = createLogger('warn');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Operations and their share of the mix: identity providers look up far more than they write. */
const MIX = [
  ['lookup', 30],
  ['get', 20],
  ['create', 20],
  ['patch', 12],
  ['replace', 10],
  ['deactivate', 8],
] as const;
type Op = (typeof MIX)[number][0];

/** What a client was told succeeded for one of its users. */
interface Known {
  id: string;
  userName: string;
  givenName: string;
  title: string;
  active: boolean;
}

/** A keep-alive SCIM client: method, path, body → status and parsed body. */
function scimClient(port: number, base: string, token: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return (method: string, p: string, body?: unknown) =>
    new Promise<{ status: number; body: Record<string, unknown> | null }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: '127.0.0.1', port, path: `${base}${p}`, method, agent,
          headers: { authorization: `Bearer ${token}`, 'user-agent': 'Okta SCIM Client 1.0.0', ...(data ? { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(data) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let parsed: Record<string, unknown> | null = null;
            try {
              parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
            } catch {
              parsed = null;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
function chooseOp(): Op {
  let r = Math.random() * MIX.reduce((a, [, w]) => a + w, 0);
  for (const [op, w] of MIX) if ((r -= w) < 0) return op;
  return 'lookup';
}
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;

async function main(): Promise<void> {
  const started = performance.now();
  await withBenchDatabase('rollcall_bench_load', logger, async (dbUrl) => {
    let app: App | null = null;
    let db: pg.Client | null = null;
    let host: SimHost | null = null;
    try {
      host = await SimHost.launch(certDir);
      const { createApp } = await import('../../api/src/app.js');
      app = await createApp(
        loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: dbUrl, LOG_LEVEL: 'silent', ROLLCALL_SCIM_RATE_PER_SECOND: '1000000', ROLLCALL_GRAPH_BASE_URL: host.start.url, ROLLCALL_ENTRA_AUTHORITY_HOST: host.start.url }),
        { logger: createLogger('silent') },
      );
      db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      await host.call({ op: 'seed', n: ENTRA_USERS });

      const anon = new GraphQLTestClient(`http://127.0.0.1:${app.port}`);
      const { setup } = await anon.ok<{ setup: { token: string } }>(`mutation($i: SetupInput!) { setup(input: $i) { token } }`, {
        i: { organizationName: 'Fabrikam', name: 'Bench Owner', email: 'owner@fabrikam.example', password: 'bench password 1' },
      });
      const owner = anon.as(setup.token);
      const connectionId = await createConnection(owner, { connectionInput: host.start.connectionInput } as Parameters<typeof createConnection>[1]);
      const entraList = await createStaffList(owner, 'Staff (Entra)');
      await configure(owner, { listId: entraList, connectionId, deactivationLimitCount: 1_000_000, deactivationLimitPercent: 100 });
      const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(`mutation { createMasterList(input: { name: "Contractors (SCIM)", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`);
      const scimList = createMasterList.id;
      await owner.ok(`mutation($l: ID!) { connectScim(listId: $l, uniqueIdentifier: USERNAME) { connected } }`, { l: scimList });
      const { generateScimToken } = await owner.ok<{ generateScimToken: { token: string } }>(`mutation($l: ID!) { generateScimToken(listId: $l) { token } }`, { l: scimList });
      const scim = scimClient(app.port, `/scim/v2/lists/${scimList}`, generateScimToken.token, CLIENTS);
      const load0 = os.loadavg()[0]!;
      console.log(`\nRollcall load benchmark: ${CLIENTS} SCIM clients for ${SECONDS} s while full Entra syncs of ${ENTRA_USERS.toLocaleString('en')} users run on another list; ` +
        `Node ${process.version}, ${os.cpus().length} CPUs, load average ${load0.toFixed(2)} at the start`);

      // ---- the Entra side: full syncs back to back while the SCIM load lasts ---------------------
      const until = performance.now() + SECONDS * 1000;
      const syncs: Array<{ ms: number; status: string; counts: Record<string, number> }> = [];
      const entra = (async () => {
        do {
          const s0 = performance.now();
          const { syncNow } = await owner.ok<{ syncNow: { id: string } }>(`mutation($l: ID!) { syncNow(listId: $l, mode: FULL) { id } }`, { l: entraList });
          const run = await waitForRun(owner, syncNow.id, 30 * 60_000);
          syncs.push({ ms: performance.now() - s0, status: run.status, counts: run.counts as unknown as Record<string, number> });
          if (run.status !== 'SUCCEEDED') break;
        } while (performance.now() < until);
      })();

      // ---- the SCIM side --------------------------------------------------------------------------
      const latencies = new Map<Op, number[]>(MIX.map(([op]) => [op, []]));
      const errors: string[] = [];
      const known = new Map<string, Known>();
      /** Users whose last write failed in a way that leaves their state unknown: excluded from the content check, counted as errors. */
      const uncertain = new Set<string>();
      let created = 0;
      let seq = 0;
      const failed = (r: { status: number; body: unknown }, id: string) => {
        uncertain.add(id);
        return `${r.status} ${JSON.stringify(r.body)}`;
      };
      const run = `${process.pid}`;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const mine: Known[] = [];
          while (performance.now() < until) {
            const op: Op = mine.length === 0 ? 'create' : chooseOp();
            const n = seq++;
            const t0 = performance.now();
            let ok = false;
            let detail = '';
            try {
              if (op === 'create') {
                const u: Known = { id: '', userName: `c${c}-${n}-${run}@load.example`, givenName: `Given${n}`, title: `Title ${n}`, active: true };
                const r = await scim('POST', '/Users', { schemas: [USER], userName: u.userName, name: { givenName: u.givenName, familyName: `Family${c}` }, title: u.title, active: true });
                ok = r.status === 201 && typeof r.body?.id === 'string';
                if (ok) {
                  u.id = r.body!.id as string;
                  mine.push(u);
                  known.set(u.id, u);
                  created += 1;
                } else detail = `${r.status} ${JSON.stringify(r.body)}`;
              } else {
                const u = pick(mine);
                if (op === 'lookup') {
                  const r = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`);
                  const found = (r.body?.Resources as Array<{ id: string }> | undefined) ?? [];
                  ok = r.status === 200 && r.body?.totalResults === 1 && found[0]?.id === u.id;
                  if (!ok) detail = `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
                } else if (op === 'get') {
                  const r = await scim('GET', `/Users/${u.id}`);
                  ok = r.status === 200 && r.body?.userName === u.userName && r.body?.title === u.title && r.body?.active === u.active;
                  if (!ok) detail = `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
                } else if (op === 'patch') {
                  const next = { givenName: `Patched${n}`, title: `Title ${n}` };
                  const r = await scim('PATCH', `/Users/${u.id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'name.givenName', value: next.givenName }, { op: 'replace', path: 'title', value: next.title }] });
                  ok = r.status === 200;
                  if (ok) Object.assign(u, next);
                  else detail = failed(r, u.id);
                } else if (op === 'replace') {
                  // Okta's PUT-only updates, reactivating a deactivated user as it does.
                  const next = { givenName: `Put${n}`, title: `Title ${n}`, active: true };
                  const r = await scim('PUT', `/Users/${u.id}`, { schemas: [USER], userName: u.userName, name: { givenName: next.givenName, familyName: `Family${c}` }, title: next.title, active: true });
                  ok = r.status === 200;
                  if (ok) Object.assign(u, next);
                  else detail = failed(r, u.id);
                } else {
                  const r = await scim('DELETE', `/Users/${u.id}`);
                  ok = r.status === 204;
                  if (ok) u.active = false;
                  else detail = failed(r, u.id);
                }
              }
            } catch (err) {
              detail = err instanceof Error ? err.message : String(err);
            }
            latencies.get(op)!.push(performance.now() - t0);
            if (!ok) errors.push(`${op}: ${detail}`);
          }
        }),
      );
      const loadEnd = os.loadavg()[0]!;
      await entra;

      // ---- what the SCIM list holds -----------------------------------------------------------------
      const rows = (await db.query<{ scim_id: string; user_name: string; uid: string; status: string; values: Record<string, unknown> }>(
        `SELECT su.scim_id, su.user_name, p.uid, p.status, p."values" FROM person p LEFT JOIN scim_user su ON su.person_id = p.id WHERE p.list_id = $1`,
        [scimList],
      )).rows;
      const byId = new Map(rows.map((r) => [r.scim_id, r]));
      const duplicates = rows.length - new Set(rows.map((r) => r.uid)).size + (rows.length - byId.size);
      const mismatches: string[] = [];
      for (const u of known.values()) {
        if (uncertain.has(u.id)) continue;
        const r = byId.get(u.id);
        const want = { user_name: u.userName, uid: u.userName, status: u.active ? 'ACTIVE' : 'INACTIVE', first_name: u.givenName, job_title: u.title };
        const got = r ? { user_name: r.user_name, uid: r.uid, status: r.status, first_name: r.values.first_name, job_title: r.values.job_title } : null;
        if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${u.id}: told ${JSON.stringify(want)}, stored ${JSON.stringify(got)}`);
      }

      // ---- the Entra list against the directory ---------------------------------------------------
      const directory = await host.call<Array<{ employeeId: string | null; mail: string | null; givenName: string | null; surname: string | null; department: string | null; accountEnabled: boolean }>>({ op: 'users' });
      // The field each directory attribute fills, as the mapping says (some fields were created by it).
      const keyOf = new Map((await db.query<{ source_attribute: string; key: string }>(
        `SELECT m.source_attribute, f.key FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = $1`,
        [entraList],
      )).rows.map((r) => [r.source_attribute, r.key]));
      const people = new Map((await db.query<{ uid: string; status: string; values: Record<string, unknown> }>(`SELECT uid, status, "values" FROM person WHERE list_id = $1`, [entraList])).rows.map((r) => [r.uid, r]));
      const entraMismatches: string[] = [];
      for (const u of directory) {
        const p = people.get(String(u.employeeId));
        const want = { employeeId: u.employeeId, mail: u.mail?.toLowerCase() ?? null, givenName: u.givenName, surname: u.surname, department: u.department, status: u.accountEnabled ? 'ACTIVE' : 'INACTIVE' };
        const value = (attribute: string) => (p ? (p.values[keyOf.get(attribute) ?? ''] ?? null) : null);
        const got = p ? { employeeId: value('employeeId'), mail: value('mail'), givenName: value('givenName'), surname: value('surname'), department: value('department'), status: p.status } : null;
        if (JSON.stringify(got) !== JSON.stringify(want)) entraMismatches.push(`${u.employeeId}: directory ${JSON.stringify(want)}, list ${JSON.stringify(got)}`);
      }

      // ---- report -------------------------------------------------------------------------------------
      const seconds = SECONDS;
      console.log(`\n${'operation'.padEnd(11)}  ${'requests'.padStart(8)}  ${'per s'.padStart(6)}  ${'p50 ms'.padStart(7)}  ${'p95 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  errors`);
      let total = 0;
      for (const [op] of MIX) {
        const l = latencies.get(op)!.sort((a, b) => a - b);
        total += l.length;
        const e = errors.filter((x) => x.startsWith(`${op}:`)).length;
        console.log(`${op.padEnd(11)}  ${String(l.length).padStart(8)}  ${(l.length / seconds).toFixed(0).padStart(6)}  ${percentile(l, 0.5).toFixed(1).padStart(7)}  ${percentile(l, 0.95).toFixed(1).padStart(7)}  ${percentile(l, 0.99).toFixed(1).padStart(7)}  ${e}`);
      }
      const all = [...latencies.values()].flat().sort((a, b) => a - b);
      console.log(`${'all'.padEnd(11)}  ${String(total).padStart(8)}  ${(total / seconds).toFixed(0).padStart(6)}  ${percentile(all, 0.5).toFixed(1).padStart(7)}  ${percentile(all, 0.95).toFixed(1).padStart(7)}  ${percentile(all, 0.99).toFixed(1).padStart(7)}  ${errors.length}`);
      console.log(`\nEntra full syncs during the load: ${syncs.map((s) => `${(s.ms / 1000).toFixed(1)} s ${s.status} (created ${s.counts.created}, updated ${s.counts.updated}, unchanged ${s.counts.unchanged}, errors ${s.counts.errors})`).join('; ')}`);
      console.log(`SCIM list: ${rows.length} people, ${created} creates acknowledged, ${uncertain.size} users left uncertain by a failed write; Entra list: ${people.size} people, directory ${directory.length} users`);
      console.log(`load average: ${load0.toFixed(2)} at the start, ${loadEnd.toFixed(2)} at the end of the SCIM load`);
      for (const e of errors.slice(0, 5)) console.log(`  error: ${e}`);
      for (const m of mismatches.slice(0, 5)) console.log(`  SCIM mismatch: ${m}`);
      for (const m of entraMismatches.slice(0, 5)) console.log(`  Entra mismatch: ${m}`);

      const verdict = (ok: boolean, text: string) => `${ok ? 'PASS' : 'MISS'}  ${text}`;
      const verdicts = [
        verdict(errors.length === 0, `zero errors under load: ${errors.length} of ${total} requests`),
        verdict(rows.length === created && duplicates === 0, `no lost or duplicated person (count): ${rows.length} people for ${created} acknowledged creates, ${duplicates} duplicated UIDs or SCIM ids`),
        verdict(mismatches.length === 0, `no lost write (content): ${known.size - uncertain.size} users compared with what their client was told, ${mismatches.length} differ`),
        verdict(syncs.length > 0 && syncs.every((s) => s.status === 'SUCCEEDED'), `every Entra sync during the load succeeded: ${syncs.length} runs`),
        verdict(people.size === directory.length && entraMismatches.length === 0, `the Entra list equals the directory: ${people.size} people for ${directory.length} users, ${entraMismatches.length} differ`),
      ];
      console.log(`\nVerdicts (load)\n  ${verdicts.join('\n  ')}`);
      console.log(`\nLoad benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
    } finally {
      await db?.end().catch(() => undefined);
      await app?.stop();
      host?.stop();
    }
  });
}

runTrustingSimulator(certDir, import.meta.filename, args, main);

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { createTestDatabase } from '../support/database.js';
import { GraphQLTestClient } from '../support/graphql.js';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { configure, createConnection, createStaffList, syncAndWait } from '../support/entra.js';
import { connectScimList, ScimClient } from '../support/scim.js';
import type { TestServer } from '../support/server.js';

type Sim = Awaited<ReturnType<typeof startGraphSimulator>>;

const PASSWORD = 'correct horse battery staple 42';
const WRONG_PASSWORD = 'Tr0ub4dor&3-not-the-password';
const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;

/** Every line the server logs, as written (after redaction and scrubbing). */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

/** Parses Prometheus text: `name{labels}` → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

describe('observability: request ids, secret-free logs and /metrics', () => {
  let sim: Sim;
  let server: TestServer;
  const log = new Capture();
  /** Every credential the flows below handle: none may appear in any log line. */
  const secrets = new Set<string>([PASSWORD, WRONG_PASSWORD, METRICS_TOKEN]);

  beforeAll(async () => {
    sim = await startGraphSimulator();
    secrets.add(sim.app.secret);
    const db = await createTestDatabase();
    // Debug level: the most the server ever writes, so the most chances to leak.
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, LOG_LEVEL: 'debug', ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64'), ROLLCALL_METRICS_TOKEN: METRICS_TOKEN, ...sim.env });
    const app = await createApp(config, { logger: createLogger('debug', false, log) });
    const url = `http://127.0.0.1:${app.port}`;
    server = { app, db, url, client: new GraphQLTestClient(url), stop: async () => (await app.stop(), await db.drop()) };
  });
  afterAll(async () => {
    await server?.stop();
    await sim?.sim.stop();
  });

  const metrics = async (): Promise<Map<string, number>> => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };
  const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

  it('runs sign-in, SCIM, an Entra connection and a sync without writing a secret to the log', async () => {
    const { setup } = await server.client.ok<{ setup: { token: string } }>(`mutation($i: SetupInput!) { setup(input: $i) { token } }`, {
      i: { organizationName: 'Acme', name: 'Ada', email: 'ada@acme.test', password: PASSWORD },
    });
    secrets.add(setup.token);
    expect(await server.client.errorCode(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: 'ada@acme.test', p: WRONG_PASSWORD })).toBeTruthy();
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: 'ada@acme.test', p: PASSWORD });
    secrets.add(login.token);
    const owner = server.client.as(login.token);
    // A cookie session too: the cookie header must not be logged either.
    expect((await server.client.withHeaders({ cookie: `rollcall_session=${login.token}` }).ok<{ viewer: { member: { email: string } } }>(`{ viewer { member { email } } }`)).viewer.member.email).toBe('ada@acme.test');
    const { createApiToken } = await owner.ok<{ createApiToken: { token: string } }>(`mutation { createApiToken(name: "ci") { token } }`);
    secrets.add(createApiToken.token);

    // SCIM with its bearer token, a wrong one, and a user with a password attribute.
    const scim = await connectScimList(owner, 'Badges');
    secrets.add(scim.token);
    const idp = new ScimClient(scim.baseUrl, scim.token);
    const created = await idp.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'grace@acme.test', password: 'scim-user-Pa55word!', active: true });
    expect(created.status).toBe(201);
    secrets.add('scim-user-Pa55word!');
    expect((await idp.get(`/Users/${created.body.id}`)).status).toBe(200);
    expect((await new ScimClient(scim.baseUrl, `${scim.token.slice(0, -4)}XXXX`).get('/Users')).status).toBe(401);

    // An Entra connection with its client secret, a test with a wrong secret, and a sync.
    const connectionId = await createConnection(owner, sim);
    const wrong = `${sim.app.secret}-wrong`;
    secrets.add(wrong);
    const bad = await owner.ok<{ createEntraConnection: { id: string } }>(`mutation($i: CreateEntraConnectionInput!) { createEntraConnection(input: $i) { id } }`, { i: { ...sim.connectionInput, name: 'Wrong', clientSecret: wrong } });
    const tested = await owner.ok<{ testEntraConnection: { ok: boolean; problem: string } }>(`mutation($id: ID!) { testEntraConnection(id: $id) { ok problem } }`, { id: bad.createEntraConnection.id });
    expect(tested.testEntraConnection).toEqual({ ok: false, problem: 'SECRET' });
    sim.directory.seedUsers(5);
    const listId = await createStaffList(owner);
    await configure(owner, { listId, connectionId });
    const run = await syncAndWait(owner, listId, 'FULL');
    expect(run.status).toBe('SUCCEEDED');
    // The Graph access tokens the simulator issued to Rollcall.
    const issued = [...(sim.sim['tokens'] as Map<string, unknown>).keys()];
    expect(issued.length).toBeGreaterThan(0);
    for (const t of issued) secrets.add(t);
    await server.app.logger.flush();

    const text = log.text;
    expect(log.lines().length).toBeGreaterThan(20);
    for (const secret of secrets) expect(text.includes(secret), `a log line contains ${secret.slice(0, 6)}…`).toBe(false);
    // The authorization headers were present on these requests and are absent from the log.
    expect(text).not.toMatch(/Bearer (?!\[redacted\])/);
  });

  it('gives every request an id, keeps a sane X-Request-Id, and puts it on the lines written while serving it', async () => {
    const given = 'lb-7f3a9c2e-0001';
    const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': given } });
    expect(res.headers.get('x-request-id')).toBe(given);
    const forged = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'x" , "level":60' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A Graph throttle during a GraphQL request: the reader's warning carries that request's id.
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: 'ada@acme.test', p: PASSWORD });
    secrets.add(login.token);
    const owner = server.client.as(login.token).withHeaders({ 'x-request-id': 'test-connection-0042' });
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string; name: string }> }>(`{ entraConnections { id name } }`);
    sim.sim.faults.push({ route: /^GET \/users\/\$count$/, status: 429, retryAfterSeconds: 0, times: 1 });
    const tested = await owner.ok<{ testEntraConnection: { ok: boolean } }>(`mutation($id: ID!) { testEntraConnection(id: $id) { ok } }`, { id: entraConnections.find((c) => c.name === 'Contoso')!.id });
    expect(tested.testEntraConnection.ok).toBe(true);
    await server.app.logger.flush();

    const lines = log.lines();
    const requests = lines.filter((l) => l.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(20);
    for (const l of requests) {
      expect(l.reqId).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
      expect(l).toMatchObject({ method: expect.any(String), route: expect.any(String), status: expect.any(Number), ms: expect.any(Number) });
    }
    expect(requests.find((l) => l.reqId === given)).toMatchObject({ route: '/healthz', status: 200 });
    expect(lines.find((l) => typeof l.msg === 'string' && /slow down/.test(l.msg) && l.reqId === 'test-connection-0042')).toBeTruthy();
    // SCIM lines name the route template, never the list's or person's id.
    const scimRoutes = new Set(requests.filter((l) => String(l.route).startsWith('/scim')).map((l) => l.route));
    expect([...scimRoutes].sort()).toEqual(['/scim/v2/lists/:listId/Users', '/scim/v2/lists/:listId/Users/:id']);
    for (const secret of secrets) expect(log.text.includes(secret)).toBe(false);
  });

  it('serves /metrics only with the token, and counts requests, SCIM calls and runs by the right amounts', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer not-the-metrics-token' } })).status).toBe(401);

    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, { e: 'ada@acme.test', p: PASSWORD });
    const owner = server.client.as(login.token);
    const scim = await connectScimList(owner, 'Metrics list');
    const idp = new ScimClient(scim.baseUrl, scim.token);
    const before = await metrics();
    const usersOk = 'rollcall_scim_requests_total{method="GET",route="/scim/v2/lists/:listId/Users",status="200"}';
    const userCreated = 'rollcall_scim_requests_total{method="POST",route="/scim/v2/lists/:listId/Users",status="201"}';
    const userMissing = 'rollcall_scim_requests_total{method="GET",route="/scim/v2/lists/:listId/Users/:id",status="404"}';
    const healthz = 'rollcall_http_requests_total{method="GET",route="/healthz",status="200"}';
    const graphql = 'rollcall_http_requests_total{method="POST",route="/graphql",status="200"}';

    for (let i = 0; i < 3; i++) expect((await idp.get('/Users')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await idp.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `m${i}@acme.test` })).status).toBe(201);
    expect((await idp.get('/Users/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    for (let i = 0; i < 4; i++) await fetch(`${server.url}/healthz`);
    for (let i = 0; i < 5; i++) await owner.ok(`{ viewer { member { email } } }`);
    const listId = (await owner.ok<{ masterLists: Array<{ id: string; name: string }> }>(`{ masterLists { id name } }`)).masterLists.find((l) => l.name === 'Staff')!.id;
    expect((await syncAndWait(owner, listId, 'FULL')).status).toBe('SUCCEEDED');
    const after = await metrics();

    expect(value(after, usersOk) - value(before, usersOk)).toBe(3);
    expect(value(after, userCreated) - value(before, userCreated)).toBe(2);
    expect(value(after, userMissing) - value(before, userMissing)).toBe(1);
    expect(value(after, usersOk.replace('rollcall_scim_requests_total', 'rollcall_http_requests_total')) - value(before, usersOk.replace('rollcall_scim_requests_total', 'rollcall_http_requests_total'))).toBe(3);
    expect(value(after, healthz) - value(before, healthz)).toBe(4);
    // Five viewer queries, the masterLists query and the sync's polling: at least six, and the histogram agrees with the counter.
    expect(value(after, graphql) - value(before, graphql)).toBeGreaterThanOrEqual(6);
    const histogramCount = 'rollcall_http_request_duration_seconds_count{method="POST",route="/graphql",status="200"}';
    expect(value(after, histogramCount)).toBe(value(after, graphql));
    expect(value(after, 'rollcall_scim_request_duration_seconds_count{method="GET",route="/scim/v2/lists/:listId/Users",status="200"}')).toBe(value(after, usersOk));
    // No series names a raw id.
    expect([...after.keys()].some((k) => k.includes(scim.listId))).toBe(false);

    const runs = 'rollcall_sync_runs_total{source="entra",outcome="SUCCEEDED"}';
    expect(value(before, runs)).toBe(1);
    expect(value(after, runs)).toBe(2);
    expect(value(after, 'rollcall_sync_run_duration_seconds_count{source="entra",outcome="SUCCEEDED"}')).toBe(2);
    expect(value(after, 'rollcall_sync_run_duration_seconds_sum{source="entra",outcome="SUCCEEDED"}')).toBeGreaterThan(0);
    expect(value(after, 'rollcall_queue_jobs{queue="sync-run",state="created"}')).toBe(0);
    expect(after.has('rollcall_queue_jobs{queue="sync-run",state="active"}')).toBe(true);
    expect(value(after, 'rollcall_db_pool_connections{state="max"}')).toBe(20);
    expect(value(after, 'rollcall_db_pool_connections{state="used"}') + value(after, 'rollcall_db_pool_connections{state="free"}')).toBeGreaterThan(0);
    expect(after.has('rollcall_process_resident_memory_bytes')).toBe(true);
  });

  it('is off (404) without ROLLCALL_METRICS_TOKEN', async () => {
    const db = await createTestDatabase();
    const app = await createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, LOG_LEVEL: 'silent', ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64') }));
    try {
      expect((await fetch(`http://127.0.0.1:${app.port}/metrics`, { headers: { authorization: 'Bearer anything-at-all-here' } })).status).toBe(404);
    } finally {
      await app.stop();
      await db.drop();
    }
  });
});

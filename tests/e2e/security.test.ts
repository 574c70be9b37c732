import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { addMember, setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { connectScimList } from '../support/scim.js';
import { upload } from '../support/csv.js';

const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`;
const EVIL = 'https://evil.example.test';
/** What express's own error page and stack traces look like. */
const STACK = /<!DOCTYPE|<pre>|\n\s+at\s|node_modules|\.js:\d+:\d+/;

/** A raw POST, for requests the GraphQL test client would not send. */
async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Signs in through the API and returns the session cookie, as a browser would hold it. */
async function sessionCookie(server: TestServer): Promise<{ cookie: string; setCookie: string }> {
  const res = await server.client.request(LOGIN, { e: 'ada@acme.test', p: 'correct horse battery' });
  const setCookie = res.headers.get('set-cookie')!;
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

/** A graphql-ws client whose upgrade request carries `headers` (a browser's cookie and Origin). */
function wsWith(server: TestServer, headers: Record<string, string>) {
  return createClient({
    url: `${server.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
    retryAttempts: 0,
    lazy: true,
  });
}

/** The outcome of one operation over a graphql-ws client: its data, or the error/close that ended it. */
function wsRun(client: ReturnType<typeof createClient>, query: string): Promise<{ data?: unknown; error?: unknown }> {
  return new Promise((resolve) => {
    client.subscribe({ query }, { next: (msg) => resolve(msg.errors ? { error: msg.errors } : { data: msg.data }), error: (error) => resolve({ error }), complete: () => undefined });
  });
}

describe('HTTP hardening with the default configuration', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  let cookie: string;

  beforeAll(async () => {
    server = await startServer();
    owner = await setupOwner(server);
    cookie = (await sessionCookie(server)).cookie;
  });
  afterAll(async () => {
    await server.stop();
  });

  const lists = async () => (await owner.ok<{ masterLists: unknown[] }>(`{ masterLists(includeArchived: true) { id } }`)).masterLists.length;
  const CREATE = JSON.stringify({ query: `mutation { createMasterList(input: { name: "Forged ${Math.random()}", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }` });

  it('sends secure headers on the API, the probes and unknown paths, and no HSTS over plain http', async () => {
    for (const path of ['/graphql', '/healthz', '/nothing-here']) {
      const res = await fetch(`${server.url}${path}`, { method: path === '/graphql' ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: path === '/graphql' ? '{"query":"{ setupStatus { needsSetup } }"}' : undefined });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and not Secure unless configured', async () => {
    const { setCookie } = await sessionCookie(server);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//i);
    expect(setCookie).not.toMatch(/Secure/i);
  });

  it('refuses a cookie-authenticated change sent from another site (CSRF), and writes nothing', async () => {
    const before = await lists();
    const forged = await post(`${server.url}/graphql`, CREATE, { 'content-type': 'application/json', cookie, origin: EVIL });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const noOrigin = await post(`${server.url}/graphql`, CREATE, { 'content-type': 'application/json', cookie, 'sec-fetch-site': 'cross-site' });
    expect(noOrigin.status).toBe(403);
    const nullOrigin = await post(`${server.url}/graphql`, CREATE, { 'content-type': 'application/json', cookie, origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    // Apollo's own CSRF prevention: a "simple" request (no preflight) is refused whatever its origin.
    const simple = await post(`${server.url}/graphql`, CREATE, { 'content-type': 'text/plain', cookie });
    expect(simple.status).toBe(400);
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(`mutation { createMasterList(input: { name: "CSV target", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`);
    const csv = await upload(server.client, createMasterList.id, 'badge\nB1\n', 'roster.csv', { cookie, origin: EVIL });
    expect(csv.status).toBe(403);
    expect((await upload(server.client, createMasterList.id, 'badge\nB1\n', 'roster.csv', { cookie, origin: server.url })).status).toBe(201);
    expect(await lists()).toBe(before + 1);
  });

  it('accepts the cookie from the page itself, and bearer tokens from anywhere', async () => {
    const before = await lists();
    const same = await post(`${server.url}/graphql`, CREATE, { 'content-type': 'application/json', cookie, origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
    expect(JSON.parse(same.text).errors).toBeUndefined();
    const script = await post(`${server.url}/graphql`, CREATE.replace('Forged', 'Script'), { 'content-type': 'application/json', cookie });
    expect(JSON.parse(script.text).errors).toBeUndefined();
    const bearer = await post(`${server.url}/graphql`, CREATE.replace('Forged', 'Bearer'), { 'content-type': 'application/json', authorization: `Bearer ${owner.token}`, origin: EVIL });
    expect(JSON.parse(bearer.text).errors).toBeUndefined();
    expect(await lists()).toBe(before + 3);
  });

  it('refuses a WebSocket opened with the cookie from another site (cross-site WebSocket hijacking), and accepts it from the page', async () => {
    const query = `{ viewer { member { email } } }`;
    const hijack = wsWith(server, { cookie, origin: EVIL });
    const refused = await wsRun(hijack, query);
    await hijack.dispose();
    expect(refused.data).toBeUndefined();
    expect((refused.error as { code?: number }).code).toBe(4403);
    const page = wsWith(server, { cookie, origin: server.url });
    expect(await wsRun(page, query)).toEqual({ data: { viewer: { member: { email: 'ada@acme.test' } } } });
    await page.dispose();
  });

  it('ends a live subscription once its session is signed out: no more of the list reaches it', { timeout: 30_000 }, async () => {
    const viewer = await addMember(server, owner, { email: 'vera@acme.test', role: 'VIEWER' });
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(`mutation { createMasterList(input: { name: "Live", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`);
    const add = (badge: string) => owner.ok(`mutation($l: ID!, $v: JSONObject!) { createPerson(listId: $l, values: $v) { id } }`, { l: createMasterList.id, v: { badge } });
    const ws = viewer.client.ws();
    const seen: unknown[] = [];
    let ended: unknown = null;
    ws.subscribe({ query: `subscription($l: ID!) { personChanged(listId: $l) { person { uid } } }`, variables: { l: createMasterList.id } }, { next: (m) => void seen.push(m), error: (e) => void (ended = e), complete: () => undefined });
    const until = async (done: () => boolean) => {
      for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await new Promise((r) => setTimeout(r, 300));
    await add('B1');
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ data: { personChanged: { person: { uid: 'B1' } } } }]);
    await viewer.client.ok(`mutation { logout }`);
    // The connection's credential is trusted for CREDENTIAL_RECHECK_MS (5 s) before it is checked again.
    await new Promise((r) => setTimeout(r, 5_200));
    await add('B2');
    await until(() => ended !== null);
    expect(JSON.stringify(seen)).not.toContain('B2');
    expect(seen[1]).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((ended as { code?: number }).code).toBe(4401);
    await ws.dispose();
  });

  it('sends no CORS headers to other origins, preflight or not', async () => {
    const preflight = await fetch(`${server.url}/graphql`, { method: 'OPTIONS', headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { origin: EVIL, 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body: '{"query":"{ viewer { member { email } } }"}' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('limits request sizes: GraphQL JSON and WebSocket messages to 1 MB, SCIM bodies to 1 MB, each answered without internals', async () => {
    const big = JSON.stringify({ query: `{ setupStatus { needsSetup } }`, variables: { pad: 'x'.repeat(1_100_000) } });
    const graphql = await post(`${server.url}/graphql`, big, { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` });
    expect(graphql.status).toBe(413);
    expect(JSON.parse(graphql.text)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    expect(graphql.text).not.toMatch(STACK);

    const scim = await connectScimList(owner, 'SCIM sized');
    const scimRes = await post(`${scim.baseUrl}/Users`, JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x', pad: 'x'.repeat(1_100_000) }), { 'content-type': 'application/scim+json', authorization: `Bearer ${scim.token}` });
    expect(scimRes.status).toBe(413);
    expect(JSON.parse(scimRes.text)).toMatchObject({ status: '413' });
    expect(scimRes.text).not.toMatch(STACK);

    const closed = await new Promise<number>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${owner.token}`, pad: 'x'.repeat(1_100_000) } })));
      socket.on('close', (code) => resolve(code));
      socket.on('error', reject);
    });
    expect(closed).toBe(1009);
  });

  it('answers malformed input with a short error, never a stack trace: bad JSON, bad variables, unknown paths, SCIM', async () => {
    const badJson = await post(`${server.url}/graphql`, '{"query": "{ viewer ', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.text)).toEqual({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    const badVariable = await owner.request(`query($all: Boolean!) { masterLists(includeArchived: $all) { id } }`, { all: 'yes' });
    expect(badVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badEnum = await owner.request(`mutation($d: ChangeDecision!) { decideChanges(changesetId: "x", changeIds: [], decision: $d) { id } }`, { d: 'MAYBE' });
    expect(badEnum.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const apiBadJson = await post(`${server.url}/api/lists/x/imports`, '{bad', { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` });
    expect(apiBadJson.text).not.toMatch(STACK);
    const { createMasterList } = await owner.ok<{ createMasterList: { id: string } }>(`mutation { createMasterList(input: { name: "Unmapped", uidField: { key: "badge", label: "Badge", type: TEXT } }) { id } }`);
    const unmapped = await upload(owner, createMasterList.id, 'badge\nB1\n');
    const problems = await fetch(`${server.url}/api/imports/${unmapped.body.import!.id}/problems.csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(problems.status).toBe(400);
    expect(await problems.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', field: 'mapping' } });
    const unknown = await post(`${server.url}/nothing`, '{bad', { 'content-type': 'application/json' });
    expect(unknown.status).toBe(404);
    expect(unknown.text).not.toMatch(STACK);
    const scim = await connectScimList(owner, 'SCIM malformed');
    const scimBad = await post(`${scim.baseUrl}/Users`, '{"schemas": [', { 'content-type': 'application/scim+json', authorization: `Bearer ${scim.token}` });
    expect(scimBad.status).toBe(400);
    expect(JSON.parse(scimBad.text)).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
    expect(scimBad.text).not.toMatch(STACK);
  });

  it('allows introspection by default', async () => {
    expect((await server.client.ok<{ __schema: { queryType: { name: string } } }>(`{ __schema { queryType { name } } }`)).__schema.queryType.name).toBe('Query');
  });
});

describe('HTTP hardening behind HTTPS, with an allow-listed origin and introspection off', () => {
  let server: TestServer;
  const INTRANET = 'https://intranet.example.test';

  beforeAll(async () => {
    server = await startServer({
      ROLLCALL_COOKIE_SECURE: 'true',
      ROLLCALL_PUBLIC_URL: 'https://rollcall.example.test',
      ROLLCALL_CORS_ORIGINS: INTRANET,
      ROLLCALL_GRAPHQL_INTROSPECTION: 'false',
    });
    await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('sends HSTS and marks the session cookie Secure', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const { setCookie } = await sessionCookie(server);
    expect(setCookie).toMatch(/; Secure/i);
    expect(setCookie).toMatch(/HttpOnly/i);
  });

  it('answers CORS for the allow-listed origin only, which may then use the cookie', async () => {
    const preflight = (origin: string) => fetch(`${server.url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight(INTRANET);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(INTRANET);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('content-type');
    expect((await preflight(EVIL)).headers.get('access-control-allow-origin')).toBeNull();
    const { cookie } = await sessionCookie(server);
    const fromIntranet = await post(`${server.url}/graphql`, '{"query":"mutation { createApiToken(name: \\"intranet\\") { apiToken { id } } }"}', { 'content-type': 'application/json', cookie, origin: INTRANET });
    expect(fromIntranet.status).toBe(200);
    expect(fromIntranet.headers.get('access-control-allow-origin')).toBe(INTRANET);
    const fromPublicUrl = await post(`${server.url}/graphql`, '{"query":"mutation { createApiToken(name: \\"public\\") { apiToken { id } } }"}', { 'content-type': 'application/json', cookie, origin: 'https://rollcall.example.test' });
    expect(JSON.parse(fromPublicUrl.text).errors).toBeUndefined();
    const fromEvil = await post(`${server.url}/graphql`, '{"query":"mutation { createApiToken(name: \\"evil\\") { apiToken { id } } }"}', { 'content-type': 'application/json', cookie, origin: EVIL });
    expect(fromEvil.status).toBe(403);
  });

  it('refuses introspection when ROLLCALL_GRAPHQL_INTROSPECTION is false', async () => {
    const res = await server.client.request(`{ __schema { queryType { name } } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    const type = await server.client.request(`{ __type(name: "Query") { name } }`);
    expect(type.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('sign-in throttle over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_LOGIN_FREE_ATTEMPTS: '1' });
    await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('refuses sign-ins from an address after 30 failures, even when they are sent all at once, and then refuses the right password too', { timeout: 60_000 }, async () => {
    const attempts = await Promise.all(Array.from({ length: 40 }, () => server.client.request(LOGIN, { e: 'ada@acme.test', p: 'guess' })));
    const codes = attempts.map((a) => a.errors?.[0]?.extensions?.code);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(30);
    expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(10);
    const right = await server.client.request(LOGIN, { e: 'ada@acme.test', p: 'correct horse battery' });
    expect(right.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: expect.any(Number) });
    expect(right.data?.login ?? null).toBeNull();
  });
});

describe('sign-in throttle behind a load balancer (ROLLCALL_TRUST_PROXY_HOPS)', () => {
  let trusting: TestServer;
  let direct: TestServer;
  const login = (server: TestServer, forwardedFor: string, password: string) =>
    fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({ query: LOGIN, variables: { e: 'ada@acme.test', p: password } }),
    }).then((r) => r.json() as Promise<{ data?: { login: { token: string } | null }; errors?: Array<{ extensions?: { code?: string } }> }>);
  const refusals = async (server: TestServer, forwardedFor: string) => {
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 32; i += 1) codes.push((await login(server, forwardedFor, 'guess')).errors?.[0]?.extensions?.code);
    return codes.filter((c) => c === 'TOO_MANY_REQUESTS').length;
  };

  beforeAll(async () => {
    [trusting, direct] = await Promise.all([startServer({ ROLLCALL_LOGIN_FREE_ATTEMPTS: '30', ROLLCALL_TRUST_PROXY_HOPS: '1' }), startServer({ ROLLCALL_LOGIN_FREE_ATTEMPTS: '30' })]);
    await Promise.all([setupOwner(trusting), setupOwner(direct)]);
  });
  afterAll(async () => {
    await Promise.all([trusting?.stop(), direct?.stop()]);
  });

  it('counts each client behind the proxy apart, so one guesser does not lock everyone out', { timeout: 60_000 }, async () => {
    expect(await refusals(trusting, '203.0.113.7')).toBe(2);
    const other = await login(trusting, '203.0.113.8', 'correct horse battery');
    expect(other.errors).toBeUndefined();
    expect(other.data?.login?.token).toEqual(expect.any(String));
  });

  it('ignores X-Forwarded-For when no proxy is trusted, so a guesser cannot dodge the throttle with it', { timeout: 60_000 }, async () => {
    expect(await refusals(direct, '203.0.113.7')).toBe(2);
    const dodging = await login(direct, '203.0.113.8', 'correct horse battery');
    expect(dodging.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
  });
});

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { GraphQLTestClient } from '../support/graphql.js';

const SECRET = 'Zk8Q~sUpEr.SeCrEt-Value_123456789';
const CREATE = `mutation($i: CreateEntraConnectionInput!) { createEntraConnection(input: $i) { id name tenantId clientId cloud secretExpiresAt lastTestOk } }`;
const input = (over: Record<string, unknown> = {}) => ({
  name: 'School Entra',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: 'F1A5B3C4-0000-4000-8000-00000000ABCD',
  clientSecret: SECRET,
  secretExpiresAt: '2027-06-30',
  ...over,
});

describe('Entra connections', () => {
  let server: TestServer;
  let owner: GraphQLTestClient;
  const key1 = randomBytes(32).toString('base64');

  beforeAll(async () => {
    server = await startServer({ ROLLCALL_SECRET_KEY: key1 });
    owner = await setupOwner(server);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('stores the secret sealed and never returns it', async () => {
    const { createEntraConnection: c } = await owner.ok<{ createEntraConnection: Record<string, unknown> }>(CREATE, { i: input() });
    expect(c).toMatchObject({ name: 'School Entra', clientId: 'f1a5b3c4-0000-4000-8000-00000000abcd', cloud: 'GLOBAL', secretExpiresAt: '2027-06-30', lastTestOk: null });
    const listed = await owner.request(`{ entraConnections { id name tenantId clientId cloud secretExpiresAt lastTestedAt lastTestOk lastTestMessage createdAt updatedAt } }`);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    const [row] = await server.app.orm.em.getConnection().execute<Array<{ client_secret_sealed: string }>>(`SELECT client_secret_sealed FROM entra_connection`);
    expect(row!.client_secret_sealed).toMatch(/^v1\./);
    expect(row!.client_secret_sealed).not.toContain(SECRET);
    const audit = await server.app.orm.em.getConnection().execute(`SELECT changes FROM audit_entry WHERE entity_type = 'entra_connection'`);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect((await owner.request(`{ entraConnections { clientSecret } }`)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('explains what is wrong with each input, in words an administrator can act on', async () => {
    const code = async (over: Record<string, unknown>) => (await owner.request(CREATE, { i: input({ name: `X ${Math.random()}`, ...over }) })).errors?.[0];
    expect(await code({ tenantId: 'not a tenant' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'tenantId' } });
    expect(await code({ clientId: 'abc' })).toMatchObject({ extensions: { field: 'clientId' } });
    const secretId = await code({ clientSecret: '0f8fad5b-d9cb-469f-a165-70867728950e' });
    expect(secretId?.message).toMatch(/Secret ID.*Value/);
    expect(await code({ secretExpiresAt: '30/06/2027' })).toMatchObject({ extensions: { field: 'secretExpiresAt' } });
    expect((await owner.request(CREATE, { i: input({ name: 'school entra' }) })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await owner.request(CREATE, { i: input({ name: 'Domain tenant', tenantId: 'Contoso.onmicrosoft.com', cloud: 'US_GOVERNMENT' }) })).data).toBeTruthy();
  });

  it('edits keep the stored secret unless a new one is given, and reset the last test', async () => {
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string; name: string }> }>(`{ entraConnections { id name } }`);
    const id = entraConnections.find((c) => c.name === 'School Entra')!.id;
    const sealed = async () => (await server.app.orm.em.getConnection().execute<Array<{ s: string }>>(`SELECT client_secret_sealed AS s FROM entra_connection WHERE id = ?`, [id]))[0]!.s;
    const before = await sealed();
    await owner.ok(`mutation($id: ID!) { updateEntraConnection(id: $id, input: { name: "Staff Entra" }) { name } }`, { id });
    expect(await sealed()).toBe(before);
    await owner.ok(`mutation($id: ID!) { updateEntraConnection(id: $id, input: { clientSecret: "another~secret~value" }) { name } }`, { id });
    expect(await sealed()).not.toBe(before);
    const audit = await server.app.orm.em.getConnection().execute(`SELECT changes FROM audit_entry WHERE action = 'entra_connection.updated'`);
    expect(JSON.stringify(audit)).toContain('[redacted]');
    expect(JSON.stringify(audit)).not.toContain('another~secret~value');
  });

  it('lets viewers read but not change connections, and hides other organisations', async () => {
    await owner.ok(`mutation { addMember(input: { email: "v@acme.test", name: "V", role: VIEWER, password: "viewer password" }) { id } }`);
    const { login } = await server.client.ok<{ login: { token: string } }>(`mutation { login(email: "v@acme.test", password: "viewer password") { token } }`);
    const viewer = server.client.as(login.token);
    expect((await viewer.ok<{ entraConnections: unknown[] }>(`{ entraConnections { id } }`)).entraConnections.length).toBe(2);
    expect(await viewer.errorCode(CREATE, { i: input({ name: 'V' }) })).toBe('FORBIDDEN');
    expect(await owner.errorCode(`query { entraConnection(id: "00000000-0000-4000-8000-000000000000") { id } }`)).toBe('NOT_FOUND');
  });
});

describe('secret key rotation', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('re-encrypts stored secrets under the new key at start-up, reading them with the previous key', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const start = async (env: Record<string, string>) =>
      createApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, LOG_LEVEL: 'debug', ...env }), { logger: pino({ level: 'debug' }, sink) });
    const first = await start({ ROLLCALL_SECRET_KEY: oldKey });
    const post = async (query: string, token?: string) =>
      (await (
        await fetch(`http://127.0.0.1:${first.port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        })
      ).json()) as { data: Record<string, { token: string }> };
    const token = (await post(`mutation { setup(input: { organizationName: "O", name: "N", email: "o@o.test", password: "owner password" }) { token } }`)).data.setup!.token;
    await post(`mutation { createEntraConnection(input: { name: "E", tenantId: "contoso.onmicrosoft.com", clientId: "0f8fad5b-d9cb-469f-a165-70867728950e", clientSecret: "${SECRET}" }) { id } }`, token);
    await first.stop();

    const second = await start({ ROLLCALL_SECRET_KEY: newKey, ROLLCALL_SECRET_KEY_PREVIOUS: oldKey });
    const [row] = await second.orm.em.getConnection().execute<Array<{ s: string; id: string }>>(`SELECT id, client_secret_sealed AS s FROM entra_connection`);
    const { SecretBox } = await import('../../api/src/shared/secret-box.js');
    const box = new SecretBox(Buffer.from(newKey, 'base64'));
    expect(box.needsRotation(row!.s)).toBe(false);
    expect(box.decrypt(row!.s)).toBe(SECRET);
    expect(lines.join('')).toContain('re-encrypted stored secrets');
    expect(lines.join('')).not.toContain(SECRET);
    await second.stop();
  });
});

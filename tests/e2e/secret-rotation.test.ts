import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../api/src/shared/secret-box.js';
import { startGraphSimulator } from '../support/graph-sim/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { setupOwner, startServer, type TestServer } from '../support/server.js';
import type { GraphQLTestClient } from '../support/graphql.js';
import { createConnection } from '../support/entra.js';

const TEST = `mutation($id: ID!) { testEntraConnection(id: $id) { ok message } }`;

/**
 * ROLLCALL_SECRET_KEY rotation as the README describes it, with real processes on one database
 * and the stored Entra client secret proven to work at every step by a connection test against the
 * Graph simulator (a real token request with that secret).
 */
describe('secret key rotation without downtime', () => {
  let sim: Awaited<ReturnType<typeof startGraphSimulator>>;
  let db: TestDatabase;
  const servers: TestServer[] = [];
  const keyA = randomBytes(32).toString('base64');
  const keyB = randomBytes(32).toString('base64');
  const idOf = (key: string) => SecretBox.keyId(Buffer.from(key, 'base64'));

  beforeAll(async () => {
    sim = await startGraphSimulator();
    sim.directory.seedUsers(2);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
    await sim?.sim.stop();
    await db?.drop();
  });

  const start = async (env: Record<string, string>) => {
    const server = await startServer({ ...sim.env, ...env }, db);
    servers.push(server);
    return server;
  };
  const stop = async (server: TestServer) => {
    await server.stop();
    servers.splice(servers.indexOf(server), 1);
  };
  /** Which key the stored secret is sealed with. */
  const sealedWith = async (server: TestServer, id: string) => {
    const [row] = await server.app.orm.em.getConnection().execute<Array<{ s: string }>>(`SELECT client_secret_sealed AS s FROM entra_connection WHERE id = ?`, [id]);
    return row!.s.split('.')[1];
  };
  const works = async (client: GraphQLTestClient, id: string) => (await client.ok<{ testEntraConnection: { ok: boolean; message: string } }>(TEST, { id })).testEntraConnection;

  it('key A, then processes on A and on B side by side, then B alone: the secret works throughout and ends sealed under B', { timeout: 120_000 }, async () => {
    // Key A: the connection is added and its secret sealed under A.
    const first = await start({ ROLLCALL_SECRET_KEY: keyA });
    const owner = await setupOwner(first);
    const id = await createConnection(owner, sim);
    expect(await works(owner, id)).toMatchObject({ ok: true });
    expect(await sealedWith(first, id)).toBe(idOf(keyA));
    await stop(first);

    // Step 1 of the rollout: every process learns B but still seals with A.
    const onA = await start({ ROLLCALL_SECRET_KEY: keyA, ROLLCALL_SECRET_KEY_PREVIOUS: keyB });
    expect(await works(owner.withBase(onA.url), id)).toMatchObject({ ok: true });
    expect(await sealedWith(onA, id)).toBe(idOf(keyA));

    // Step 2: a process on B (A still readable) starts while the one on A keeps serving; it
    // re-encrypts the stored secret under B at start-up, and both processes keep working.
    const onB = await start({ ROLLCALL_SECRET_KEY: keyB, ROLLCALL_SECRET_KEY_PREVIOUS: keyA });
    expect(await sealedWith(onB, id)).toBe(idOf(keyB));
    expect(await works(owner.withBase(onB.url), id)).toMatchObject({ ok: true });
    expect(await works(owner.withBase(onA.url), id)).toMatchObject({ ok: true });

    // The process still on A re-enters the secret (sealed under A again); the process on B reads
    // it and re-encrypts it under B as it uses it.
    await owner.withBase(onA.url).ok(`mutation($id: ID!, $i: UpdateEntraConnectionInput!) { updateEntraConnection(id: $id, input: $i) { id } }`, { id, i: { clientSecret: sim.connectionInput.clientSecret } });
    expect(await sealedWith(onA, id)).toBe(idOf(keyA));
    expect(await works(owner.withBase(onB.url), id)).toMatchObject({ ok: true });
    expect(await sealedWith(onB, id)).toBe(idOf(keyB));
    await stop(onA);
    await stop(onB);

    // Step 3: B alone.
    const last = await start({ ROLLCALL_SECRET_KEY: keyB });
    expect(await works(owner.withBase(last.url), id)).toMatchObject({ ok: true });
    expect(await sealedWith(last, id)).toBe(idOf(keyB));
    await stop(last);
  });

  it('a process without the sealing key still starts and says which setting to fix when the connection is used', { timeout: 60_000 }, async () => {
    const server = await start({ ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64') });
    const owner = await (async () => {
      const res = await server.client.ok<{ login: { token: string } }>(`mutation { login(email: "ada@acme.test", password: "correct horse battery") { token } }`);
      return server.client.as(res.login.token);
    })();
    const { entraConnections } = await owner.ok<{ entraConnections: Array<{ id: string }> }>(`{ entraConnections { id } }`);
    const res = await owner.request(TEST, { id: entraConnections[0]!.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(res.errors?.[0]?.message).toMatch(/ROLLCALL_SECRET_KEY_PREVIOUS/);
    await stop(server);
  });
});

import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../../api/src/app.js';
import { loadConfig } from '../../api/src/config.js';
import { createLogger } from '../../api/src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { GraphQLTestClient } from './graphql.js';

export interface TestServer {
  app: App;
  db: TestDatabase;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** An anonymous client; `.as(token)` gives an authenticated one. */
  client: GraphQLTestClient;
  stop(): Promise<void>;
}

/**
 * Starts the real Rollcall server (the same composition root as `npm start`) on a free loopback
 * port against a fresh database. `env` adds configuration, as the environment would.
 */
export async function startServer(env: Record<string, string> = {}, db?: TestDatabase): Promise<TestServer> {
  const database = db ?? (await createTestDatabase());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Each server seals secrets with its own key unless the test gives one.
    ROLLCALL_SECRET_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  const app = await createApp(config, { logger: createLogger(config.logLevel) });
  const url = `http://127.0.0.1:${app.port}`;
  return {
    app,
    db: database,
    url,
    client: new GraphQLTestClient(url),
    stop: async () => {
      await app.stop();
      if (!db) await database.drop();
    },
  };
}

/** Runs first-run setup and returns a client signed in as the new owner. */
export async function setupOwner(
  server: Pick<TestServer, 'client'>,
  input = { organizationName: 'Acme', name: 'Ada Owner', email: 'ada@acme.test', password: 'correct horse battery' },
): Promise<GraphQLTestClient> {
  const data = await server.client.ok<{ setup: { token: string } }>(
    `mutation Setup($input: SetupInput!) { setup(input: $input) { token } }`,
    { input },
  );
  return server.client.as(data.setup.token);
}

/** Signs in with email and password through the API; returns a client with the session token. */
export async function signIn(server: TestServer, email: string, password: string): Promise<GraphQLTestClient> {
  const { login } = await server.client.ok<{ login: { token: string } }>(
    `mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`,
    { email, password },
  );
  return server.client.as(login.token);
}

/** Adds a member with `role` as `by`, then signs in as them. */
export async function addMember(
  server: TestServer,
  by: GraphQLTestClient,
  input: { email: string; role: 'OWNER' | 'ADMIN' | 'VIEWER'; name?: string; password?: string },
): Promise<{ id: string; client: GraphQLTestClient }> {
  const password = input.password ?? `${input.email} password`;
  const { addMember: member } = await by.ok<{ addMember: { id: string } }>(
    `mutation AddMember($i: AddMemberInput!) { addMember(input: $i) { id } }`,
    { i: { email: input.email, name: input.name ?? input.email.split('@')[0], role: input.role, password } },
  );
  return { id: member.id, client: await signIn(server, input.email, password) };
}

/**
 * A second organisation and its owner, inserted the way an operator would (the API creates only
 * the first one, at setup); returns a client signed in as that owner through the API.
 */
export async function createSecondOrganisation(server: TestServer, name = 'Globex', email = 'hank@globex.test'): Promise<GraphQLTestClient> {
  const { hashPassword } = await import('../../api/src/auth/password.js');
  const { randomUUID } = await import('node:crypto');
  const orgId = randomUUID();
  const conn = server.app.orm.em.getConnection();
  await conn.execute(`INSERT INTO organization (id, name) VALUES (?, ?)`, [orgId, name]);
  await conn.execute(`INSERT INTO member (id, organization_id, email, name, role, password_hash) VALUES (?, ?, ?, ?, 'OWNER', ?)`, [
    randomUUID(),
    orgId,
    email,
    name,
    await hashPassword(`${email} password`),
  ]);
  return signIn(server, email, `${email} password`);
}

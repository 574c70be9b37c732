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
  server: TestServer,
  input = { organizationName: 'Acme', name: 'Ada Owner', email: 'ada@acme.test', password: 'correct horse battery' },
): Promise<GraphQLTestClient> {
  const data = await server.client.ok<{ setup: { token: string } }>(
    `mutation Setup($input: SetupInput!) { setup(input: $input) { token } }`,
    { input },
  );
  return server.client.as(data.setup.token);
}

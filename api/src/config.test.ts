import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, repoRoot } from './config.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const KEY2 = Buffer.alloc(32, 9).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: path.join(repoRoot, '.data'),
      embeddedPgPort: 54329,
      adminEmail: undefined,
      adminPassword: undefined,
      adminOrganization: 'My organisation',
      logLevel: 'info',
      logPretty: false,
      webDist: path.join(repoRoot, 'web', 'dist'),
      cookieSecure: false,
      sessionTtlHours: 12,
      introspection: true,
      maxQueryDepth: 12,
      maxQueryCost: 50_000,
      loginFreeAttempts: 5,
      secretKey: undefined,
      previousSecretKeys: [],
      graphBaseUrl: undefined,
      entraAuthorityHost: undefined,
      schedulerTickSeconds: 30,
      role: 'all',
      syncWorker: true,
      dbPoolMax: 20,
      runStaleSeconds: 30,
      syncRetrySeconds: [60, 300, 900],
      publicUrl: undefined,
      scimRatePerSecond: 1000,
      provisioningLogDays: 30,
      csvMaxBytes: 50 * 1024 * 1024,
      corsOrigins: [],
      trustProxyHops: 0,
      metricsToken: undefined,
    });
  });

  it('reads the CORS allow-list as origins and refuses anything else', () => {
    expect(loadConfig({ ROLLCALL_CORS_ORIGINS: 'https://intranet.example.test, http://localhost:5173/' }).corsOrigins).toEqual(['https://intranet.example.test', 'http://localhost:5173']);
    expect(problemsOf({ ROLLCALL_CORS_ORIGINS: 'https://ok.example.test,https://bad.example.test/path' })).toEqual([
      'ROLLCALL_CORS_ORIGINS is a comma-separated list of origins such as https://intranet.example.org, without paths (got "https://bad.example.test/path")',
    ]);
    expect(problemsOf({ ROLLCALL_CORS_ORIGINS: '*' })).toHaveLength(1);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', LOG_LEVEL: '', ROLLCALL_COOKIE_SECURE: '', ROLLCALL_SECRET_KEY: '' })).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      logLevel: 'info',
      cookieSecure: false,
      secretKey: undefined,
    });
  });

  it('reads every setting', () => {
    const c = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://u:p@db:5432/rollcall',
      ROLLCALL_DATA_DIR: '/var/lib/rollcall',
      ROLLCALL_EMBEDDED_PG_PORT: '6000',
      ROLLCALL_ADMIN_EMAIL: 'a@b.c',
      ROLLCALL_ADMIN_PASSWORD: '0123456789',
      ROLLCALL_ADMIN_ORGANIZATION: 'Acme',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
      ROLLCALL_WEB_DIST: '/srv/web',
      ROLLCALL_COOKIE_SECURE: 'YES',
      ROLLCALL_SESSION_TTL_HOURS: '2160',
      ROLLCALL_GRAPHQL_INTROSPECTION: 'off',
      ROLLCALL_GRAPHQL_MAX_DEPTH: '2',
      ROLLCALL_GRAPHQL_MAX_COST: '100',
      ROLLCALL_LOGIN_FREE_ATTEMPTS: '1',
      ROLLCALL_SECRET_KEY: ` ${KEY} `,
      ROLLCALL_SECRET_KEY_PREVIOUS: `${KEY2}, ${KEY}`,
      ROLLCALL_GRAPH_BASE_URL: 'https://graph.example.test/',
      ROLLCALL_ENTRA_AUTHORITY_HOST: 'https://login.example.test',
      ROLLCALL_PUBLIC_URL: 'https://rollcall.example.test/ignored/path',
      ROLLCALL_SCIM_RATE_PER_SECOND: '50',
      ROLLCALL_PROVISIONING_LOG_DAYS: '7',
      ROLLCALL_CSV_MAX_MB: '5',
      ROLLCALL_ROLE: 'worker',
      ROLLCALL_DB_POOL_MAX: '60',
    });
    expect(c).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://u:p@db:5432/rollcall',
      dataDir: '/var/lib/rollcall',
      embeddedPgPort: 6000,
      adminEmail: 'a@b.c',
      adminPassword: '0123456789',
      adminOrganization: 'Acme',
      logLevel: 'debug',
      logPretty: true,
      webDist: '/srv/web',
      cookieSecure: true,
      sessionTtlHours: 2160,
      introspection: false,
      maxQueryDepth: 2,
      maxQueryCost: 100,
      loginFreeAttempts: 1,
      graphBaseUrl: 'https://graph.example.test',
      entraAuthorityHost: 'https://login.example.test',
      publicUrl: 'https://rollcall.example.test',
      scimRatePerSecond: 50,
      provisioningLogDays: 7,
      csvMaxBytes: 5 * 1024 * 1024,
      role: 'worker',
      syncWorker: true,
      dbPoolMax: 60,
    });
    expect(c.secretKey).toEqual(Buffer.alloc(32, 7));
    expect(c.previousSecretKeys).toEqual([Buffer.alloc(32, 9), Buffer.alloc(32, 7)]);
  });

  it('lists every problem at once, each naming its variable', () => {
    const env: Record<string, string> = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      ROLLCALL_EMBEDDED_PG_PORT: '80',
      ROLLCALL_ADMIN_EMAIL: 'a@b.c',
      LOG_LEVEL: 'loud',
      ROLLCALL_COOKIE_SECURE: 'perhaps',
      ROLLCALL_SESSION_TTL_HOURS: '0',
      ROLLCALL_GRAPHQL_INTROSPECTION: 'sometimes',
      ROLLCALL_GRAPHQL_MAX_DEPTH: '1',
      ROLLCALL_GRAPHQL_MAX_COST: '2.5',
      ROLLCALL_LOGIN_FREE_ATTEMPTS: '-1',
      ROLLCALL_SECRET_KEY: 'c2hvcnQ=',
      ROLLCALL_SECRET_KEY_PREVIOUS: `${KEY},dG9vIHNob3J0`,
      ROLLCALL_GRAPH_BASE_URL: 'http://graph.example.test',
      ROLLCALL_ENTRA_AUTHORITY_HOST: 'not a url',
      ROLLCALL_PUBLIC_URL: 'ftp://files.example.test',
      ROLLCALL_SCIM_RATE_PER_SECOND: '0',
      ROLLCALL_PROVISIONING_LOG_DAYS: 'forever',
      ROLLCALL_CSV_MAX_MB: '0',
      ROLLCALL_CORS_ORIGINS: 'ftp://x.example.test',
      ROLLCALL_TRUST_PROXY_HOPS: 'all',
      ROLLCALL_METRICS_TOKEN: 'too short',
      ROLLCALL_ROLE: 'scheduler',
      ROLLCALL_DB_POOL_MAX: '1',
    };
    const problems = problemsOf(env);
    const names = [...Object.keys(env).filter((n) => n !== 'ROLLCALL_ADMIN_EMAIL'), 'ROLLCALL_ADMIN_PASSWORD'];
    expect(problems).toHaveLength(names.length);
    for (const name of names) expect(problems.some((p) => p.startsWith(name) || p.includes(` ${name} `))).toBe(true);
    expect(problems).toContain('PORT must be a whole number from 0 to 65535 (got "eighty")');
    expect(problems).toContain('ROLLCALL_GRAPHQL_MAX_DEPTH must be a whole number from 2 to 100 (got "1")');
    expect(problems).toContain('ROLLCALL_GRAPH_BASE_URL must be an https URL (the Microsoft libraries refuse plain http)');
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e as ConfigError;
      }
    })()!;
    expect(err.message.split('\n  - ')).toHaveLength(names.length + 1);
    expect(err.name).toBe('ConfigError');
  });

  it('takes a metrics token of 16 to 256 printable characters', () => {
    expect(loadConfig({ ROLLCALL_METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(problemsOf({ ROLLCALL_METRICS_TOKEN: 'a'.repeat(15) }).join()).toMatch(/ROLLCALL_METRICS_TOKEN must be 16 to 256/);
    expect(problemsOf({ ROLLCALL_METRICS_TOKEN: `${'a'.repeat(16)} b` }).join()).toMatch(/ROLLCALL_METRICS_TOKEN/);
  });

  it.each([
    [{}, 'all', true],
    [{ ROLLCALL_ROLE: 'api' }, 'api', false],
    [{ ROLLCALL_ROLE: ' Worker ' }, 'worker', true],
    [{ ROLLCALL_ROLE: 'all', ROLLCALL_SYNC_WORKER: 'true' }, 'all', true],
    // The setting from before roles: a process that runs no sync jobs is an api process.
    [{ ROLLCALL_SYNC_WORKER: 'false' }, 'api', false],
    [{ ROLLCALL_ROLE: 'api', ROLLCALL_SYNC_WORKER: 'off' }, 'api', false],
    [{ ROLLCALL_ROLE: 'worker', ROLLCALL_SYNC_WORKER: 'yes' }, 'worker', true],
  ])('takes the role from %j', (env, role, syncWorker) => {
    expect(loadConfig(env as Record<string, string>)).toMatchObject({ role, syncWorker });
  });

  it.each([
    [{ ROLLCALL_ROLE: 'worker', ROLLCALL_SYNC_WORKER: 'false' }, /ROLLCALL_SYNC_WORKER=false contradicts ROLLCALL_ROLE=worker/],
    [{ ROLLCALL_ROLE: 'api', ROLLCALL_SYNC_WORKER: 'true' }, /contradicts ROLLCALL_ROLE=api/],
    [{ ROLLCALL_ROLE: 'scheduler' }, /ROLLCALL_ROLE must be one of all, api, worker \(got "scheduler"\)/],
    [{ ROLLCALL_ADMIN_PASSWORD: '0123456789' }, /must be set together/],
    [{ ROLLCALL_ADMIN_EMAIL: 'a@b.c', ROLLCALL_ADMIN_PASSWORD: 'short' }, /ROLLCALL_ADMIN_PASSWORD must be at least 10/],
    [{ PORT: '65536' }, /PORT must be a whole number from 0 to 65535/],
    [{ ROLLCALL_GRAPHQL_MAX_DEPTH: '101' }, /MAX_DEPTH/],
    [{ ROLLCALL_SESSION_TTL_HOURS: '2161' }, /SESSION_TTL_HOURS must be a whole number from 1 to 2160/],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env as Record<string, string>).join('\n')).toMatch(message);
  });
});

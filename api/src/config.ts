import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above api/src or api/dist). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Validated, typed configuration. Read once at start-up; nothing else reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** A PostgreSQL URL, or undefined to start an embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  adminOrganization: string;
  logLevel: string;
  logPretty: boolean;
  /** Where the built SPA lives; served at / when present. */
  webDist: string;
  /** Cookie `Secure` flag: on unless explicitly off (http on localhost needs it off). */
  cookieSecure: boolean;
  sessionTtlHours: number;
  introspection: boolean;
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Failed sign-ins from one address within the window before responses slow down. */
  loginFreeAttempts: number;
  /** Proxies (load balancers) in front of Rollcall whose X-Forwarded-For is believed; 0: none, the socket's address is the client's. */
  trustProxyHops: number;
  /** AES-256-GCM key for secrets at rest; undefined means a generated development key under dataDir. */
  secretKey: Buffer | undefined;
  /** Earlier keys, still accepted for decryption until stored secrets are re-encrypted. */
  previousSecretKeys: Buffer[];
  /** Overrides the Microsoft Graph base URL of every connection (simulators, proxies). */
  graphBaseUrl: string | undefined;
  /** Overrides the Microsoft identity platform authority host of every connection. */
  entraAuthorityHost: string | undefined;
  /** How often each process looks for scheduled syncs that are due, in seconds. */
  schedulerTickSeconds: number;
  /**
   * What this process does: `all` (one process serves HTTP and runs jobs), `api` (GraphQL, SCIM,
   * subscriptions, the SPA; queues jobs but runs none) or `worker` (sync jobs and the schedule; no
   * public HTTP, only health probes on its port).
   */
  role: Role;
  /** Whether this process takes sync jobs from the queue and ticks the schedule (role all or worker). */
  syncWorker: boolean;
  /** Connections of this process's main database pool (the job queue and the event listener have their own: 3 and 1). */
  dbPoolMax: number;
  /** A running sync whose heartbeat is older than this belonged to a process that stopped. */
  runStaleSeconds: number;
  /** Delays before automatic retries of a run that failed for a passing reason (throttling, network). */
  syncRetrySeconds: number[];
  /** The origin people and identity providers reach Rollcall at (SCIM base URLs); undefined: the request's Host. */
  publicUrl: string | undefined;
  /** SCIM requests one bearer token may make per second (bursts up to twice as many); more get 429. */
  scimRatePerSecond: number;
  /** Days the provisioning log keeps SCIM requests. */
  provisioningLogDays: number;
  /** Largest CSV file accepted for import, in bytes (refused while it arrives). */
  csvMaxBytes: number;
  /** Other origins (e.g. https://intranet.example.org) whose pages may call the API with credentials; empty: CORS off. */
  corsOrigins: string[];
  /** Bearer token GET /metrics requires; undefined: /metrics is off (404). */
  metricsToken: string | undefined;
}

/** The roles a process can take (ROLLCALL_ROLE). */
export const ROLES = ['all', 'api', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** Thrown at start-up with every configuration problem listed at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses and validates the environment. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const adminEmail = env.ROLLCALL_ADMIN_EMAIL || undefined;
  const adminPassword = env.ROLLCALL_ADMIN_PASSWORD || undefined;
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    problems.push('ROLLCALL_ADMIN_EMAIL and ROLLCALL_ADMIN_PASSWORD must be set together');
  }
  if (adminPassword !== undefined && adminPassword.length < 10) {
    problems.push('ROLLCALL_ADMIN_PASSWORD must be at least 10 characters');
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel}")`);
  }
  const dataDir = path.resolve(repoRoot, env.ROLLCALL_DATA_DIR || '.data');
  const key = (name: string, raw: string): Buffer | undefined => {
    const buf = Buffer.from(raw.trim(), 'base64');
    if (buf.length !== 32) {
      problems.push(`${name} must be 32 random bytes in base64 (e.g. \`node -e "console.log(crypto.randomBytes(32).toString('base64'))"\`)`);
      return undefined;
    }
    return buf;
  };
  const secretKey = env.ROLLCALL_SECRET_KEY ? key('ROLLCALL_SECRET_KEY', env.ROLLCALL_SECRET_KEY) : undefined;
  const previousSecretKeys = (env.ROLLCALL_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((k) => k.trim())
    .map((k) => key('ROLLCALL_SECRET_KEY_PREVIOUS', k))
    .filter((k): k is Buffer => k !== undefined);
  const seconds = (name: string, fallback: number[]): number[] => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    if (raw.trim() === 'none') return [];
    const list = raw.split(',').map((x) => Number(x.trim()));
    if (list.length > 10 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 86_400)) {
      problems.push(`${name} is a comma-separated list of up to 10 delays in seconds (1 to 86400), or "none" (got "${raw}")`);
      return fallback;
    }
    return list;
  };
  const url = (name: string): string | undefined => {
    const raw = env[name];
    if (!raw) return undefined;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'https:') problems.push(`${name} must be an https URL (the Microsoft libraries refuse plain http)`);
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be a URL (got "${raw}")`);
      return undefined;
    }
  };

  // ROLLCALL_SYNC_WORKER=false predates roles: it means what ROLLCALL_ROLE=api means.
  let role: Role = 'all';
  const rawRole = env.ROLLCALL_ROLE?.trim().toLowerCase();
  if (rawRole) {
    if ((ROLES as readonly string[]).includes(rawRole)) role = rawRole as Role;
    else problems.push(`ROLLCALL_ROLE must be one of ${ROLES.join(', ')} (got "${env.ROLLCALL_ROLE}")`);
  }
  const syncWorkerSet = env.ROLLCALL_SYNC_WORKER !== undefined && env.ROLLCALL_SYNC_WORKER !== '';
  const syncWorkerFlag = bool('ROLLCALL_SYNC_WORKER', role !== 'api');
  if (syncWorkerSet && role === 'all' && !syncWorkerFlag) role = 'api';
  else if (syncWorkerSet && syncWorkerFlag !== (role !== 'api')) {
    problems.push(`ROLLCALL_SYNC_WORKER=${env.ROLLCALL_SYNC_WORKER} contradicts ROLLCALL_ROLE=${role}; leave ROLLCALL_SYNC_WORKER unset (the role says whether a process runs sync jobs)`);
  }

  let publicUrl: string | undefined;
  if (env.ROLLCALL_PUBLIC_URL) {
    try {
      const u = new URL(env.ROLLCALL_PUBLIC_URL);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
      publicUrl = u.origin;
    } catch {
      problems.push(`ROLLCALL_PUBLIC_URL must be an http or https URL such as https://rollcall.example.org (got "${env.ROLLCALL_PUBLIC_URL}")`);
    }
  }

  const corsOrigins: string[] = [];
  for (const raw of (env.ROLLCALL_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean)) {
    try {
      const u = new URL(raw);
      if ((u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== raw.replace(/\/$/, '')) throw new Error('not an origin');
      corsOrigins.push(u.origin);
    } catch {
      problems.push(`ROLLCALL_CORS_ORIGINS is a comma-separated list of origins such as https://intranet.example.org, without paths (got "${raw}")`);
    }
  }
  const metricsToken = env.ROLLCALL_METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push('ROLLCALL_METRICS_TOKEN must be 16 to 256 printable characters without spaces (e.g. `openssl rand -hex 32`)');
  }

  const config: Config = {
    port: int('PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    dataDir,
    embeddedPgPort: int('ROLLCALL_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    adminEmail,
    adminPassword,
    adminOrganization: env.ROLLCALL_ADMIN_ORGANIZATION || 'My organisation',
    logLevel,
    logPretty: env.LOG_FORMAT === 'pretty',
    webDist: path.resolve(repoRoot, env.ROLLCALL_WEB_DIST || 'web/dist'),
    cookieSecure: bool('ROLLCALL_COOKIE_SECURE', false),
    sessionTtlHours: int('ROLLCALL_SESSION_TTL_HOURS', 12, 1, 24 * 90),
    introspection: bool('ROLLCALL_GRAPHQL_INTROSPECTION', true),
    maxQueryDepth: int('ROLLCALL_GRAPHQL_MAX_DEPTH', 12, 2, 100),
    maxQueryCost: int('ROLLCALL_GRAPHQL_MAX_COST', 50_000, 100, 10_000_000),
    loginFreeAttempts: int('ROLLCALL_LOGIN_FREE_ATTEMPTS', 5, 1, 1000),
    trustProxyHops: int('ROLLCALL_TRUST_PROXY_HOPS', 0, 0, 10),
    secretKey,
    previousSecretKeys,
    graphBaseUrl: url('ROLLCALL_GRAPH_BASE_URL'),
    entraAuthorityHost: url('ROLLCALL_ENTRA_AUTHORITY_HOST'),
    schedulerTickSeconds: int('ROLLCALL_SCHEDULER_TICK_SECONDS', 30, 1, 3600),
    role,
    syncWorker: role !== 'api',
    dbPoolMax: int('ROLLCALL_DB_POOL_MAX', 20, 2, 500),
    runStaleSeconds: int('ROLLCALL_RUN_STALE_SECONDS', 30, 3, 3600),
    syncRetrySeconds: seconds('ROLLCALL_SYNC_RETRY_SECONDS', [60, 300, 900]),
    publicUrl,
    scimRatePerSecond: int('ROLLCALL_SCIM_RATE_PER_SECOND', 1000, 1, 1_000_000),
    provisioningLogDays: int('ROLLCALL_PROVISIONING_LOG_DAYS', 30, 1, 3650),
    csvMaxBytes: int('ROLLCALL_CSV_MAX_MB', 50, 1, 1024) * 1024 * 1024,
    corsOrigins,
    metricsToken,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

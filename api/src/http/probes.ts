import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrationsApplied } from '../db/orm.js';
import { securityHeaders } from './security.js';
import { metricsHandler } from './observability.js';
import type { Metrics } from '../shared/metrics.js';

/** `GET /healthz` (the process is up) and `GET /readyz` (the database answers, migrations applied). */
export function probeRoutes(app: Express, orm: MikroORM): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('SELECT 1');
      const migrated = await migrationsApplied(orm);
      res.status(migrated ? 200 : 503).json({ status: migrated ? 'ready' : 'migrations pending', database: 'up' });
    } catch {
      res.status(503).json({ status: 'database unreachable', database: 'down' });
    }
  });
}

/**
 * What a worker process (ROLLCALL_ROLE=worker) serves on its port: the health probes for an
 * orchestrator's liveness and readiness checks, and `/metrics` (its sync runs and queue) when
 * ROLLCALL_METRICS_TOKEN is set; nothing else. It is not meant to be public.
 */
export function createProbeServer(orm: MikroORM, metrics?: Metrics, metricsToken?: string): { server: Server; stop(): Promise<void> } {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(false));
  probeRoutes(app, orm);
  if (metrics) app.get('/metrics', metricsHandler(metrics, metricsToken));
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found: a worker serves only /healthz, /readyz and /metrics; the API is on the api processes' });
  });
  const server = createServer(app);
  return {
    server,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

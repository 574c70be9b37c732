import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { requestContext, requestIdFrom } from '../shared/request-context.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the caller's X-Request-Id when sane, else a new UUID. */
    reqId?: string;
  }
}

/** A list's SCIM service: its list id, then the SCIM path below the list's base URL. */
export const SCIM_MOUNT = /^\/scim\/v2\/lists\/([^/]+)(\/.*)?$/;
const SCIM_RESOURCES = new Set(['Users', 'Groups', 'ServiceProviderConfig', 'Schemas', 'ResourceTypes', 'Bulk', '.search', 'Me']);
// Probes and scrapes are many and dull: logged at debug, counted like everything else.
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The route template of a SCIM path (`/scim/v2/lists/:listId/Users/:id`), never its ids (they
 * would make a series per person); null for a path outside SCIM.
 */
export function scimRoute(path: string): string | null {
  const scim = SCIM_MOUNT.exec(path);
  return scim ? scimRouteBelow(scim[2]) : null;
}

/** The route template of the SCIM path below a list's base URL (`/Users/123` → `…/Users/:id`). */
export function scimRouteBelow(rest: string | undefined): string {
  const [resource, id, ...more] = (rest ?? '').split('/').filter(Boolean);
  if (!resource) return '/scim/v2/lists/:listId';
  const known = SCIM_RESOURCES.has(resource) ? resource : ':other';
  return `/scim/v2/lists/:listId/${known}${id ? (id === '.search' ? '/.search' : '/:id') : ''}${more.length ? '/…' : ''}`;
}

/**
 * The route template of a request, never its raw URL: SCIM as `scimRoute` names it, express
 * routes by their path, /graphql, else "other".
 */
export function routeOf(req: express.Request): { route: string; scim: boolean } {
  const path = req.originalUrl.split('?')[0] ?? '';
  const scim = scimRoute(path);
  if (scim) return { route: scim, scim: true };
  if (path === '/graphql' || path.startsWith('/graphql/')) return { route: '/graphql', scim: false };
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === 'string') return { route: `${req.baseUrl}${routePath}`, scim: false };
  if (routePath instanceof RegExp) return { route: '(spa)', scim: false };
  return { route: 'other', scim: false };
}

/**
 * Gives a request its id (echoed as X-Request-Id) and, when the response is finished, writes one
 * log line and the request's metrics. `describe` names the route (and GraphQL operation) at the end.
 * Used by express (`observeRequests`) and by the SCIM edge, which serves before express.
 */
export function observe(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  metrics: Metrics | undefined,
  describe: () => { route: string; scim: boolean; path: string; operation?: string },
): string {
  const reqId = requestIdFrom(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', reqId);
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { route, scim, path, operation } = describe();
    const method = req.method ?? 'GET';
    metrics?.request({ method, route, status: res.statusCode, seconds, scim });
    const line = { reqId, method, route, path, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, ...(operation ? { operation } : {}) };
    if (QUIET.has(route)) logger.debug(line, 'request completed');
    else logger.info(line, 'request completed');
  });
  return reqId;
}

/** First express middleware: `observe`, and the rest of the request in its log context. */
export function observeRequests(logger: Logger, metrics: Metrics | undefined): express.RequestHandler {
  return (req, res, next) => {
    const reqId = observe(req, res, logger, metrics, () => {
      const { route, scim } = routeOf(req);
      const body = req.body as { operationName?: unknown } | undefined;
      const operation = route === '/graphql' && typeof body?.operationName === 'string' ? body.operationName.slice(0, 100) : undefined;
      return { route, scim, path: req.path, operation };
    });
    req.reqId = reqId;
    requestContext.run({ reqId }, next);
  };
}

/**
 * GET /metrics in Prometheus text format. Served only when ROLLCALL_METRICS_TOKEN is set, and
 * only to a caller presenting it as a bearer token (Prometheus `authorization.credentials`);
 * otherwise 404, as if absent: route names and counts are nobody else's business.
 */
export function metricsHandler(metrics: Metrics, token: string | undefined): express.RequestHandler {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return async (req, res) => {
    if (!expected) return void res.status(404).json({ error: 'not found' });
    const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim() ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="rollcall-metrics"');
      return void res.status(401).json({ error: 'send ROLLCALL_METRICS_TOKEN as "Authorization: Bearer <token>"' });
    }
    const { contentType, body } = await metrics.render();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.end(body);
  };
}

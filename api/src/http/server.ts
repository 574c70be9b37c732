import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Logger } from '../shared/logger.js';
import type { AuthService } from '../auth/auth.service.js';
import type { ListsService } from '../lists/lists.service.js';
import type { EventBus } from '../events/event-bus.js';
import type { Context } from '../graphql/context.js';
import { createLoaders } from '../graphql/loaders.js';
import { createFormatError, serviceUnavailablePlugin, unavailableInContext } from '../graphql/format-error.js';
import { costLimitError, costLimitPlugin, depthLimit, nulCharacterError, nulCharacterPlugin } from '../graphql/limits.js';
import { probeRoutes } from './probes.js';
import { cors, csrfGuard, errorHandler, originTrusted, securityHeaders } from './security.js';
import { clearedSessionCookie, sessionCookie, tokenFromRequest } from './session-cookie.js';
import { isUuid } from '../shared/ids.js';
import { errors } from '../shared/errors.js';
import type { ScimHandler } from '../scim/scim.handler.js';
import { scimEdge } from '../scim/scim.edge.js';
import { csvRoutes } from './csv-routes.js';
import type { CsvImportsService } from '../sync/csv/csv-imports.service.js';
import type { PeopleService } from '../people/people.service.js';
import type { Metrics } from '../shared/metrics.js';
import { metricsHandler, observeRequests } from './observability.js';

export interface HttpDeps {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  schema: GraphQLSchema;
  auth: AuthService;
  lists: ListsService;
  people: PeopleService;
  csvImports: CsvImportsService;
  bus: EventBus;
  /** The SCIM service provider, mounted at /scim/v2/lists/:listId. */
  scim?: ScimHandler;
  /** Request metrics, and GET /metrics when ROLLCALL_METRICS_TOKEN is set. */
  metrics?: Metrics;
}

/** Largest GraphQL request accepted: the JSON body over HTTP and one WebSocket message. */
export const MAX_GRAPHQL_BODY_BYTES = 1024 * 1024;

/** How long a WebSocket connection's credential is trusted before it is checked again. */
export const CREDENTIAL_RECHECK_MS = 5_000;

export interface HttpServer {
  server: Server;
  stop(): Promise<void>;
}

/**
 * One port serves everything: GraphQL over HTTP and WebSocket at /graphql, health probes, and
 * the built SPA at / (with history-mode fallback).
 */
export async function createHttpServer(deps: HttpDeps): Promise<HttpServer> {
  const { config, logger, orm, schema } = deps;
  const app = express();
  // Behind N load balancers the client's address is the Nth from the right of X-Forwarded-For
  // (the sign-in throttle, audit); without them a client could claim any address there.
  if (config.trustProxyHops > 0) app.set('trust proxy', config.trustProxyHops);
  app.disable('x-powered-by');
  const hsts = Boolean(config.cookieSecure || config.publicUrl?.startsWith('https:'));
  app.use(observeRequests(logger, deps.metrics));
  app.use(securityHeaders(hsts));
  app.use(['/graphql', '/api'], cors(config.corsOrigins), csrfGuard(config.publicUrl, config.corsOrigins));
  // SCIM is served before express (scim.edge.ts); everything else by the express app.
  let scim: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const server = createServer((req, res) => {
    if (!scim?.(req, res)) app(req, res);
  });

  const buildContext = async (
    headers: Parameters<typeof tokenFromRequest>[0],
    ip: string | null,
    userAgent: string | null,
  ): Promise<Omit<Context, 'session'>> => {
    const em = orm.em.fork();
    const token = tokenFromRequest(headers);
    const viewer = token ? await deps.auth.resolveToken(em, token) : null;
    const origin = originOf(headers);
    return { em, viewer, client: { ip, userAgent }, origin, loaders: createLoaders(em, deps.lists, viewer?.organizationId ?? null), bus: deps.bus };
  };

  /** Where the caller reached Rollcall: ROLLCALL_PUBLIC_URL, else the request's Host. */
  const originOf = (req: Parameters<typeof tokenFromRequest>[0]): string | null => {
    const host = req.headers.host;
    return config.publicUrl ?? (host ? `${req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}` : null);
  };

  const formatError = createFormatError(logger);
  /** When each WebSocket connection's credential was last found valid. */
  const verifiedAt = new WeakMap<object, number>();
  // ws accepts 100 MiB messages by default; a GraphQL operation is far smaller.
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: MAX_GRAPHQL_BODY_BYTES });
  const wsCleanup = useServer(
    {
      schema,
      // Parsed and checked here, not by graphql-ws, so the depth and cost limits hold as over HTTP
      // (graphql-ws runs queries and mutations too, not only subscriptions).
      onSubscribe: (_ctx, _id, payload) => {
        try {
          const document = parse(payload.query);
          const invalid = validate(schema, document, [...specifiedRules, depthLimit(config.maxQueryDepth)]);
          if (invalid.length > 0) return [...invalid];
          const variables = payload.variables ?? {};
          const tooCostly = costLimitError(schema, document, variables, payload.operationName, config.maxQueryCost);
          if (tooCostly) return [tooCostly];
          const nul = nulCharacterError(document, variables);
          if (nul) return [nul];
          return { schema, document, operationName: payload.operationName, variableValues: variables };
        } catch (err) {
          if (err instanceof GraphQLError) return [err];
          throw err;
        }
      },
      // The same error mapping as HTTP: stable codes, no SQL or internals over the WebSocket.
      onNext: async (ctx, _id, _payload, _args, result) => {
        // A subscription outlives the request that opened it: before delivering, the credential is
        // checked again (at most every few seconds), so signing out, a revoked token or a removed
        // member ends the stream instead of receiving the organisation's changes for ever.
        if (Date.now() - (verifiedAt.get(ctx) ?? 0) > CREDENTIAL_RECHECK_MS) {
          const token = tokenFromRequest(ctx.extra.request);
          if (!token || !(await deps.auth.resolveToken(orm.em.fork(), token))) {
            setImmediate(() => ctx.extra.socket.close(4401, 'Unauthorized'));
            return { errors: [formatError({ message: '' }, errors.unauthenticated())] };
          }
          verifiedAt.set(ctx, Date.now());
        }
        return result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON(), e)) } : result;
      },
      onError: (_ctx, _id, _payload, errs) => errs.map((e) => formatError(e.toJSON(), e)),
      context: async (ctx) => {
        const req = ctx.extra.request;
        // Scripts may pass their token as a connection parameter instead of a header.
        const param = (ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization) as string | undefined;
        if (param) req.headers.authorization = param.startsWith('Bearer ') ? param : `Bearer ${param}`;
        return buildContext(req, req.socket.remoteAddress ?? null, req.headers['user-agent'] ?? null);
      },
      onConnect: async (ctx) => {
        const req = ctx.extra.request;
        const param = (ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization) as string | undefined;
        if (param) req.headers.authorization = param.startsWith('Bearer ') ? param : `Bearer ${param}`;
        // A browser connecting with the session cookie must be on a trusted page (cross-site WebSocket hijacking).
        if (!param && !originTrusted(req, config.publicUrl, config.corsOrigins)) return false;
        const token = tokenFromRequest(req);
        // Refuse the connection outright when no valid credential is presented.
        const valid = token ? (await deps.auth.resolveToken(orm.em.fork(), token)) !== null : false;
        if (valid) verifiedAt.set(ctx, Date.now());
        return valid;
      },
    },
    wss,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    validationRules: [depthLimit(config.maxQueryDepth)],
    formatError,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      costLimitPlugin(schema, config.maxQueryCost),
      nulCharacterPlugin(),
      serviceUnavailablePlugin(),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  probeRoutes(app, orm);
  if (deps.metrics) app.get('/metrics', metricsHandler(deps.metrics, config.metricsToken));

  /**
   * Serves one stored photo to signed-in members of its organisation. The address carries the
   * content hash (?v=), so browsers may keep a copy.
   */
  const servePhoto = (sql: string) => async (req: express.Request, res: express.Response) => {
    try {
      const token = tokenFromRequest(req);
      const viewer = token ? await deps.auth.resolveToken(orm.em.fork(), token) : null;
      if (!viewer) return void res.status(401).json({ error: 'sign in to see photos' });
      const id = String(req.params.id);
      const rows = isUuid(id) ? await orm.em.getConnection().execute<Array<{ content: Buffer; content_type: string; sha256: string }>>(sql, [id, viewer.organizationId]) : [];
      const photo = rows[0];
      if (!photo) return void res.status(404).json({ error: 'no such photo' });
      res.setHeader('Content-Type', photo.content_type);
      res.setHeader('Cache-Control', 'private, max-age=86400');
      res.setHeader('ETag', `"${photo.sha256}"`);
      res.setHeader('Content-Security-Policy', "default-src 'none'");
      if (req.headers['if-none-match'] === `"${photo.sha256}"`) return void res.status(304).end();
      res.end(photo.content);
    } catch (err) {
      logger.error({ err }, 'serving a photo failed');
      res.status(500).json({ error: 'internal error' });
    }
  };
  // Photos Rollcall imported from a directory, by person.
  app.get('/photos/:id', servePhoto(`SELECT content, content_type, sha256 FROM person_photo WHERE person_id = ? AND organization_id = ?`));
  // Photos uploaded in sessions (pending, approved or rejected), by photo.
  app.get('/session-photos/:id', servePhoto(`SELECT content, content_type, sha256 FROM session_photo WHERE id = ? AND organization_id = ?`));

  csvRoutes(app, { orm, logger, auth: deps.auth, lists: deps.lists, people: deps.people, csvImports: deps.csvImports, maxBytes: config.csvMaxBytes });

  app.use(
    '/graphql',
    express.json({ limit: MAX_GRAPHQL_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const base = await buildContext(req, req.ip ?? req.socket.remoteAddress ?? null, req.get('user-agent') ?? null).catch(unavailableInContext);
        return {
          ...base,
          session: {
            set: (token, expiresAt) => res.append('Set-Cookie', sessionCookie(token, expiresAt, config.cookieSecure)),
            clear: () => res.append('Set-Cookie', clearedSessionCookie(config.cookieSecure)),
          },
        };
      },
    }),
  );

  if (deps.scim) scim = scimEdge(deps.scim, { logger, metrics: deps.metrics, hsts, origin: (req) => originOf(req) ?? '' });

  if (existsSync(path.join(config.webDist, 'index.html'))) {
    app.use(express.static(config.webDist, { index: false, maxAge: '1h' }));
    app.get(/^\/(?!graphql|scim|healthz|readyz|metrics|photos\/|session-photos\/|api\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(config.webDist, 'index.html'));
    });
  } else {
    logger.warn({ webDist: config.webDist }, 'the SPA is not built; run `npm run build` to serve it at /');
  }
  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(logger));

  return {
    server,
    stop: async () => {
      await apollo.stop();
      wss.close();
    },
  };
}

import type { Express, Request, Response } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../shared/logger.js';
import type { AuthService } from '../auth/auth.service.js';
import type { Viewer } from '../auth/viewer.js';
import { AppError, errors, type ErrorCode } from '../shared/errors.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../shared/db-unavailable.js';
import type { CsvImportsService } from '../sync/csv/csv-imports.service.js';
import type { ListsService } from '../lists/lists.service.js';
import type { PeopleService } from '../people/people.service.js';
import { exportPeopleCsv } from '../people/people-export.js';
import type { FilterOperator, StatusFilter } from '../people/people.query.js';
import { tokenFromRequest } from './session-cookie.js';
import { storableText } from '../shared/text.js';

export interface CsvRouteDeps {
  orm: MikroORM;
  logger: Logger;
  auth: AuthService;
  lists: ListsService;
  people: PeopleService;
  csvImports: CsvImportsService;
  maxBytes: number;
}

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  FIELD_LOCKED: 409,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SETUP_ALREADY_DONE: 409,
  SERVICE_UNAVAILABLE: 503,
};
/** Content types a cross-site form may send without a CORS preflight: refused, as Apollo's CSRF prevention does. */
const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;

/** Errors as the GraphQL edge words them: { error: { code, message, ...details } }, never internals. */
function fail(res: Response, logger: Logger, err: unknown): void {
  if (res.headersSent) {
    logger.error({ err }, 'a CSV response failed after it started');
    res.destroy();
    return;
  }
  if (err instanceof AppError) {
    const status = err.details.problem === 'TOO_LARGE' ? 413 : STATUS[err.code];
    res.status(status).json({ error: { code: err.code, message: err.message, ...err.details } });
    return;
  }
  if (isDatabaseUnavailable(err)) {
    const unavailable = errors.serviceUnavailable(DATABASE_RETRY_AFTER_SECONDS);
    res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    return void res.status(503).json({ error: { code: unavailable.code, message: unavailable.message, ...unavailable.details } });
  }
  logger.error({ err }, 'CSV request failed');
  res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side; try again, and tell your administrator if it keeps happening.' } });
}

/** A file name percent-encoded once more by some clients (X-File-Name), or taken as it is when it is not ("100%.csv"). */
function decodeLenient(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Streams lines to the response, waiting when the client reads slowly. */
async function stream(res: Response, lines: AsyncIterable<string>, fileName: string): Promise<void> {
  const it = lines[Symbol.asyncIterator]();
  // The first line is produced before the headers go out, so a refusal still gets its status.
  const first = await it.next();
  res.status(200);
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
  if (first.done) return void res.end();
  const write = (s: string) => (res.write(s) ? Promise.resolve() : new Promise<void>((r) => res.once('drain', () => r())));
  await write(first.value);
  for (;;) {
    if (res.destroyed) return void (await it.return?.());
    const n = await it.next();
    if (n.done) break;
    await write(n.value);
  }
  res.end();
}

/**
 * CSV over plain HTTP, authenticated as GraphQL is (bearer token or session cookie): upload a
 * file into a list (the request body, streamed), download an import's problems, export a list.
 */
export function csvRoutes(app: Express, deps: CsvRouteDeps): void {
  const { logger } = deps;
  const viewerOf = async (req: Request): Promise<Viewer> => {
    const token = tokenFromRequest(req);
    const viewer = token ? await deps.auth.resolveToken(deps.orm.em.fork(), token) : null;
    if (!viewer) throw errors.unauthenticated();
    return viewer;
  };

  // curl -H 'Authorization: Bearer rcp_…' -H 'Content-Type: text/csv' --data-binary @roster.csv \
  //      'https://rollcall.example.org/api/lists/<list id>/imports?fileName=roster.csv'
  app.post('/api/lists/:listId/imports', async (req, res) => {
    try {
      const viewer = await viewerOf(req);
      const type = req.get('content-type') ?? '';
      if (FORM_TYPES.test(type)) {
        res.status(415).json({ error: { code: 'BAD_USER_INPUT', message: 'Send the file itself as the request body with Content-Type: text/csv (or application/octet-stream), not as a form.' } });
        return;
      }
      const length = Number(req.get('content-length') ?? NaN);
      if (Number.isFinite(length) && length > deps.maxBytes) {
        res.setHeader('Connection', 'close');
        throw new AppError('BAD_USER_INPUT', `The file is larger than ${Math.round(deps.maxBytes / 1024 / 1024)} MB. Split it into smaller files, or export only the columns you need.`, { field: 'file', problem: 'TOO_LARGE' });
      }
      const fileName = String(req.query.fileName ?? req.get('x-file-name') ?? 'upload.csv');
      const imp = await deps.csvImports.upload(deps.orm.em.fork(), viewer, req.params.listId!, storableText(decodeLenient(fileName)), req);
      res.status(201).json({ import: imp });
    } catch (err) {
      // The rest of a refused upload is not read: close the connection rather than drain it.
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      fail(res, logger, err);
    }
  });

  app.get('/api/imports/:importId/problems.csv', async (req, res) => {
    try {
      const viewer = await viewerOf(req);
      const em = deps.orm.em.fork();
      await stream(res, deps.csvImports.problemsCsv(em, viewer, req.params.importId!), 'import-problems.csv');
    } catch (err) {
      fail(res, logger, err);
    }
  });

  // ?status=ACTIVE|INACTIVE|ALL&columns=uid,email&search=…&filters=[{"field":…,"operator":…,"value":…}]&sort=last_name&direction=DESC&bom=1
  app.get('/api/lists/:listId/export.csv', async (req, res) => {
    try {
      const viewer = await viewerOf(req);
      const q = req.query as Record<string, string | undefined>;
      const status = (q.status ?? 'ACTIVE').toUpperCase();
      if (!['ACTIVE', 'INACTIVE', 'ALL'].includes(status)) throw errors.badInput('status must be ACTIVE, INACTIVE or ALL.', 'status');
      let filters: Array<{ field: string; operator: FilterOperator; value?: string | null }> | null = null;
      if (q.filters) {
        try {
          filters = JSON.parse(q.filters) as typeof filters;
        } catch {
          throw errors.badInput('filters must be a JSON array of {"field", "operator", "value"}, as the people query takes them.', 'filters');
        }
        if (!Array.isArray(filters)) throw errors.badInput('filters must be a JSON array of {"field", "operator", "value"}.', 'filters');
      }
      const em = deps.orm.em.fork();
      const lines = exportPeopleCsv(deps, em, viewer, req.params.listId!, {
        status: status as StatusFilter,
        search: q.search ?? null,
        filters,
        sort: q.sort ? { field: q.sort, direction: q.direction?.toUpperCase() === 'DESC' ? 'DESC' : 'ASC' } : null,
        columns: q.columns ? q.columns.split(',').map((c) => c.trim()).filter(Boolean) : null,
        bom: q.bom === '1' || q.bom === 'true',
      });
      const list = await deps.lists.list(em, viewer, req.params.listId!);
      await stream(res, lines, `${list.name}.csv`);
    } catch (err) {
      fail(res, logger, err);
    }
  });
}

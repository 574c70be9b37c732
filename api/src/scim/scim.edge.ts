import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import { requestContext } from '../shared/request-context.js';
import { observe, SCIM_MOUNT, scimRouteBelow } from '../http/observability.js';
import { setSecurityHeaders } from '../http/security.js';
import { MAX_PAYLOAD_BYTES } from './rfc7643/discovery.js';
import { scimErrors, type ScimError } from './rfc7644/errors.js';
import { JsonText, type ScimHandler, type ScimRequest, type ScimResponse } from './scim.handler.js';

/** Where every list's SCIM service is: `/scim/v2/lists/{listId}`, then the SCIM path. */
export const SCIM_PREFIX = '/scim/v2/lists/';
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** body-parser's reader: bodies of any content type (the handler checks it) up to 1 MB, charsets and gzip/deflate decoded. */
const readText = express.text({ type: () => true, limit: MAX_PAYLOAD_BYTES });

function send(res: ServerResponse, r: ScimResponse): void {
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.statusCode = r.status;
  if (r.body === undefined) return void res.end();
  res.setHeader('Content-Type', CONTENT_TYPE);
  res.end(r.body instanceof JsonText ? r.body.text : JSON.stringify(r.body));
}

function sendError(res: ServerResponse, err: ScimError): void {
  send(res, { status: err.status, headers: err.headers, body: err.body() });
}

/** The request's body as text, or undefined without one (RFC 9112 §6.3: a body has a length or a transfer coding). */
function body(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  const h = req.headers;
  if (h['transfer-encoding'] === undefined && (h['content-length'] === undefined || h['content-length'] === '0')) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    readText(req as express.Request, res as express.Response, (err?: unknown) => {
      if (err) return reject(err as Error);
      const text = (req as { body?: unknown }).body;
      resolve(typeof text === 'string' && text.length > 0 ? text : undefined);
    });
  });
}

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * The SCIM edge: `/scim/v2/lists/:listId/*` onto `ScimHandler`, served straight off Node's HTTP
 * server before express (identity providers call it far more often than anything else, and
 * express's router, middleware stack and body parsing on every GET cost more than the lookup's
 * SQL). It keeps what every response of Rollcall has: a request id, the log line and metrics, the
 * security headers. Returns false for a path outside SCIM.
 */
export function scimEdge(
  handler: ScimHandler,
  deps: { logger: Logger; metrics?: Metrics; hsts: boolean; origin: (req: IncomingMessage) => string },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? '';
    if (!url.startsWith(SCIM_PREFIX)) return false;
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const m = SCIM_MOUNT.exec(pathname);
    if (!m) return false;
    const path = m[2] ?? '/';
    const reqId = observe(req, res, deps.logger, deps.metrics, () => ({ route: scimRouteBelow(m[2]), scim: true, path }));
    setSecurityHeaders(res, deps.hsts);
    requestContext.run({ reqId }, () => void serve(req, res, decoded(m[1]!), path, q < 0 ? '' : url.slice(q + 1)));
    return true;
  };

  async function serve(req: IncomingMessage, res: ServerResponse, listId: string, path: string, search: string): Promise<void> {
    try {
      let text: string | undefined;
      try {
        text = await body(req, res);
      } catch (err) {
        if ((err as { type?: string }).type === 'entity.too.large') return sendError(res, scimErrors.payloadTooLarge(`The body is larger than ${MAX_PAYLOAD_BYTES / 1024} KB.`));
        return sendError(res, scimErrors.invalidSyntax('The body could not be read (check its charset and encoding).'));
      }
      const query: Record<string, string | undefined> = {};
      for (const [k, v] of new URLSearchParams(search)) if (!(k in query)) query[k] = v;
      const h = req.headers;
      const scimReq: ScimRequest = {
        method: req.method ?? 'GET',
        listId,
        path,
        baseUrl: `${deps.origin(req)}${SCIM_PREFIX}${listId}`,
        query,
        headers: {
          authorization: h.authorization,
          ifMatch: header(h['if-match']),
          ifNoneMatch: header(h['if-none-match']),
          userAgent: h['user-agent'],
          contentType: h['content-type'],
        },
        body: text,
      };
      const { response } = await handler.handle(scimReq);
      send(res, response);
    } catch (err) {
      deps.logger.error({ err, path }, 'unexpected error in a SCIM request');
      if (res.headersSent) return void res.destroy();
      sendError(res, scimErrors.internal());
    }
  }
}

const header = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

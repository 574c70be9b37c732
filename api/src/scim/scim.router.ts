import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { MAX_PAYLOAD_BYTES } from './rfc7643/discovery.js';
import { scimErrors, type ScimError } from './rfc7644/errors.js';
import type { ScimHandler, ScimRequest, ScimResponse } from './scim.handler.js';

const CONTENT_TYPE = 'application/scim+json; charset=utf-8';

function send(res: Response, r: ScimResponse): void {
  for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
  res.status(r.status);
  if (r.body === undefined) return void res.end();
  res.setHeader('Content-Type', CONTENT_TYPE);
  res.end(JSON.stringify(r.body));
}

function sendError(res: Response, err: ScimError): void {
  send(res, { status: err.status, headers: err.headers, body: err.body() });
}

/**
 * The SCIM edge: `/scim/v2/lists/:listId/*` onto `ScimHandler`. Bodies are read as text of any
 * content type (the handler checks it) up to 1 MB; a larger one is answered 413 in SCIM's shape.
 */
export function scimRouter(handler: ScimHandler, origin: (req: Request) => string): Router {
  const router = express.Router({ mergeParams: true });
  router.use(express.text({ type: () => true, limit: MAX_PAYLOAD_BYTES }));
  router.use((err: { type?: string } | null, _req: Request, res: Response, next: NextFunction) => {
    if (err?.type === 'entity.too.large') return sendError(res, scimErrors.payloadTooLarge(`The body is larger than ${MAX_PAYLOAD_BYTES / 1024} KB.`));
    if (err) return sendError(res, scimErrors.invalidSyntax('The body could not be read (check its charset and encoding).'));
    next();
  });
  router.use(async (req: Request, res: Response) => {
    const listId = String(req.params.listId);
    const query: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.query)) query[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
    const scimReq: ScimRequest = {
      method: req.method,
      listId,
      path: req.path,
      baseUrl: `${origin(req)}/scim/v2/lists/${listId}`,
      query,
      headers: {
        authorization: req.get('authorization'),
        ifMatch: req.get('if-match'),
        ifNoneMatch: req.get('if-none-match'),
        userAgent: req.get('user-agent'),
        contentType: req.get('content-type'),
      },
      body: typeof req.body === 'string' && req.body.length > 0 ? req.body : undefined,
    };
    const { response } = await handler.handle(scimReq);
    send(res, response);
  });
  return router;
}

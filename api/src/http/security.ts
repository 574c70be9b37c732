import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../shared/logger.js';
import { usesSessionCookie } from './session-cookie.js';

const SECURITY_HEADERS: Array<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https: http:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  ],
];

/**
 * Conservative security headers for the API and the SPA (the SPA loads only its own scripts and
 * styles; GraphQL over WebSocket connects to the same origin), and HTTP Strict Transport Security
 * when Rollcall is reached over HTTPS (the session cookie is `Secure` or ROLLCALL_PUBLIC_URL is
 * https): browsers then never try plain http for a year.
 */
export function setSecurityHeaders(res: ServerResponse, hsts: boolean): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
  if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/** `setSecurityHeaders` as express middleware. */
export function securityHeaders(hsts: boolean): RequestHandler {
  return (_req, res, next) => {
    setSecurityHeaders(res, hsts);
    next();
  };
}

/**
 * True when a browser request comes from a page Rollcall trusts: its own origin (ROLLCALL_PUBLIC_URL
 * or the request's Host) or one of ROLLCALL_CORS_ORIGINS. Browsers send `Origin` on every
 * cross-origin request and on same-origin POSTs; without it, `Sec-Fetch-Site` says where the
 * request came from; a client sending neither is not a browser, so not a forgery vector (OWASP
 * CSRF cheat sheet, "Verifying Origin With Standard Headers").
 */
export function originTrusted(req: IncomingMessage, publicUrl: string | undefined, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) {
    const site = req.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  if (origin === publicUrl || allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery protection for cookie sessions: a state-changing request that the
 * browser authenticated with the session cookie must come from a trusted origin. Bearer tokens
 * are never sent by a browser on its own, so requests carrying one pass. (GraphQL also has
 * Apollo's CSRF prevention; this covers the CSV upload and any other cookie route too, and holds
 * against sibling sites that SameSite=Lax treats as same-site.)
 */
export function csrfGuard(publicUrl: string | undefined, allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || !usesSessionCookie(req) || originTrusted(req, publicUrl, allowed)) return next();
    res.status(403).json({
      error: {
        code: 'FORBIDDEN',
        message: 'Refused: this request carried your Rollcall session cookie but came from another site. Use Rollcall from its own address (or add that site to ROLLCALL_CORS_ORIGINS).',
      },
    });
  };
}

/**
 * CORS, off unless ROLLCALL_CORS_ORIGINS lists origins: only those get `Access-Control-Allow-*`
 * (with credentials) and answered preflights; any other origin gets no CORS headers at all, so
 * browsers keep its pages from reading responses.
 */
export function cors(allowed: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || !allowed.includes(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.append('Vary', 'Origin');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name');
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/**
 * The last express handler: errors from body parsing (malformed JSON, a body over its limit) and
 * anything unexpected become a short JSON answer with a code, never express's HTML page with a
 * stack trace. GraphQL paths answer in GraphQL's `errors` shape.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = (err ?? {}) as { type?: string; status?: unknown };
    let status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 500;
    let code = 'BAD_REQUEST';
    let message = 'The request could not be read.';
    if (e.type === 'entity.too.large') {
      [status, code, message] = [413, 'PAYLOAD_TOO_LARGE', 'The request body is larger than the limit (1 MB for GraphQL); send less at once.'];
    } else if (e.type === 'entity.parse.failed') {
      [status, code, message] = [400, 'BAD_REQUEST', 'The request body is not valid JSON.'];
    } else if (status === 500) {
      logger.error({ err, path: req.path }, 'unexpected error in an HTTP request');
      [code, message] = ['INTERNAL_SERVER_ERROR', 'Something went wrong on our side. It has been logged; try again, and if it persists tell your administrator.'];
    }
    if (res.headersSent) return void res.destroy();
    res.status(status);
    if (req.originalUrl.startsWith('/graphql')) res.json({ errors: [{ message, extensions: { code } }] });
    else res.json({ error: { code, message } });
  };
}

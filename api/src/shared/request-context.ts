import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while serving one request carries. */
export interface RequestContext {
  reqId: string;
}

/**
 * The request being served, through the async calls it makes: the logger adds its id to every
 * line (services keep their one logger and need not pass a child logger around).
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();

// Ids from a proxy or client are kept when they are short and plain; anything else could forge
// log lines or carry a payload, so a fresh one is made instead.
const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id for a request: the caller's X-Request-Id when sane, else a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && SANE_ID.test(given) ? given : randomUUID();
}

/**
 * Recognises "the database cannot be reached right now" among errors of the PostgreSQL driver,
 * the pool and the ORM, so that every edge answers 503 with Retry-After (try again later) rather
 * than 500 (a defect) while PostgreSQL restarts or fails over.
 */

/** What a client is told to wait before retrying, in seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs of an unavailable server (PostgreSQL appendix A): class 08 (connection exception),
 * 57P01 admin_shutdown (a fast shutdown ends every session), 57P02 crash_shutdown, 57P03
 * cannot_connect_now (starting up or shutting down), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;

/**
 * Messages of node-postgres and knex for a connection that ended under them (they carry no code).
 * knex rolls a transaction back by itself when its connection fails, and answers the transaction's
 * next query "Transaction query already complete"; Rollcall never queries a transaction after
 * settling it, so that message means the connection was lost mid-transaction.
 */
const LOST_MESSAGES = /Transaction query already complete|Connection terminated|Client has encountered a connection error|Connection ended unexpectedly|Client was closed and is not queryable|Timeout acquiring a connection|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)/i;

/** True when `err` (or what caused it) says PostgreSQL is unreachable, not that the request is wrong. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.test(e.code))) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && LOST_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.originalError, depth + 1);
}

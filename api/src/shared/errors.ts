/**
 * Domain errors with stable codes. Every edge (GraphQL, SCIM, HTTP) maps these in one place;
 * messages are written for the person who has to fix the problem.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'FIELD_LOCKED'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'SETUP_ALREADY_DONE'
  | 'SERVICE_UNAVAILABLE';

/** An expected failure with a stable code; safe to show to the caller. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Factories: one per code, so call sites read like sentences and messages stay consistent. */
export const errors = {
  unauthenticated: (message = 'Sign in to continue: your session is missing, expired or revoked.') =>
    new AppError('UNAUTHENTICATED', message),
  forbidden: (message: string) => new AppError('FORBIDDEN', message),
  notFound: (what: string, id: string) =>
    new AppError('NOT_FOUND', `${what} "${id}" does not exist in your organisation.`, { id }),
  badInput: (message: string, field?: string) =>
    new AppError('BAD_USER_INPUT', message, field === undefined ? {} : { field }),
  fieldLocked: (field: string, provider: string) =>
    new AppError(
      'FIELD_LOCKED',
      `"${field}" is managed by the ${provider} sync of this list; edit it in ${provider} or disconnect the sync.`,
      { field, provider },
    ),
  conflict: (message: string, details: Record<string, unknown> = {}) => new AppError('CONFLICT', message, details),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError('TOO_MANY_REQUESTS', `Too many attempts. Wait ${retryAfterSeconds} seconds and try again.`, {
      retryAfterSeconds,
    }),
  serviceUnavailable: (retryAfterSeconds: number) =>
    new AppError('SERVICE_UNAVAILABLE', `Rollcall cannot reach its database just now (it may be restarting); nothing was changed. Try again in ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
    }),
};

/** True when a PostgreSQL error is a unique violation (SQLSTATE 23505), optionally on one constraint. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

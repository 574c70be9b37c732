import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, errors } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../shared/db-unavailable.js';

const PASS_THROUGH = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
]);

/**
 * The one place where errors become GraphQL errors. AppErrors keep their code, message and
 * details; GraphQL's own validation errors pass; anything else is logged and answered as a
 * generic INTERNAL_SERVER_ERROR, never with SQL or a stack trace.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let original = unwrapResolverError(error);
    // PostgreSQL unreachable (restarting, failing over): a passing condition, not a defect.
    // (A failed context, see unavailableInContext, arrives as a GraphQLError with the code already.)
    if (!(original instanceof AppError) && (isDatabaseUnavailable(original) || formatted.extensions?.code === 'SERVICE_UNAVAILABLE')) {
      logger.warn({ err: original, path: formatted.path }, 'database unavailable during a GraphQL operation');
      original = errors.serviceUnavailable(DATABASE_RETRY_AFTER_SECONDS);
    }
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: original.code, ...original.details },
      };
    }
    // Apollo re-labels errors from validation rules GRAPHQL_VALIDATION_FAILED; a rule's own code
    // (QUERY_TOO_COMPLEX from the depth limit) survives on the original error.
    const ruleCode = (error as { originalError?: { extensions?: { code?: unknown } } } | null)?.originalError?.extensions?.code;
    const code = typeof ruleCode === 'string' && PASS_THROUGH.has(ruleCode) ? ruleCode : formatted.extensions?.code;
    if (typeof code === 'string' && PASS_THROUGH.has(code)) {
      return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}), extensions: { code } };
    }
    if (original instanceof GraphQLError && !original.originalError && code === undefined) {
      return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error in a GraphQL operation');
    return {
      message: 'Something went wrong on our side. It has been logged; try again, and if it persists tell your administrator.',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Answers HTTP 503 with Retry-After when an operation failed because the database is unreachable,
 * so clients and load balancers retry instead of treating it as a defect (500).
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const body = response.body;
          const errs = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          if (!errs?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/**
 * Building a request's context (the token's lookup) needs the database. Apollo answers a failed
 * context 500 unless the error carries its HTTP status, so an unreachable database becomes a
 * GraphQLError with 503 and Retry-After here; anything else is rethrown as it was.
 */
export function unavailableInContext(err: unknown): never {
  if (!isDatabaseUnavailable(err)) throw err;
  throw new GraphQLError(errors.serviceUnavailable(DATABASE_RETRY_AFTER_SECONDS).message, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      http: { status: 503, headers: new HeaderMap([['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]]) },
    },
  });
}

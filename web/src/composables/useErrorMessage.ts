import type { ApolloError } from '@apollo/client/core';

const TITLES: Record<string, string> = {
  UNAUTHENTICATED: 'Please sign in',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  BAD_USER_INPUT: 'Please check your input',
  FIELD_LOCKED: 'Managed by a directory',
  CONFLICT: 'That clashes with something',
  TOO_MANY_REQUESTS: 'Too many attempts',
  QUERY_TOO_COMPLEX: 'Request too large',
  INTERNAL_SERVER_ERROR: 'Something went wrong',
};

/** What a person needs to know about a failed operation. */
export interface Problem {
  code: string;
  title: string;
  message: string;
  /** The field key the server blamed, for showing the message next to its input. */
  field?: string;
}

/** The one place error codes become words: the server's message plus a short title. */
export function describeError(error: unknown): Problem {
  const apollo = error as Partial<ApolloError> | null;
  const gql = apollo?.graphQLErrors?.[0];
  if (gql) {
    const code = String(gql.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const field = typeof gql.extensions?.field === 'string' ? gql.extensions.field : undefined;
    return { code, title: TITLES[code] ?? 'Something went wrong', message: gql.message, ...(field ? { field } : {}) };
  }
  if (apollo?.networkError) {
    return { code: 'NETWORK', title: 'Cannot reach Rollcall', message: 'Check your connection; the server did not answer.' };
  }
  return { code: 'UNKNOWN', title: 'Something went wrong', message: error instanceof Error ? error.message : String(error) };
}

export function isUnauthenticated(error: unknown): boolean {
  return describeError(error).code === 'UNAUTHENTICATED';
}

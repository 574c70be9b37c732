import { computed, ref, toValue, type MaybeRefOrGetter } from 'vue';
import type { ApolloError } from '@apollo/client/core';

// Short titles per `extensions.code`. The server's message already says what happened and how to
// fix it, so it is always shown as is, under the title.
const TITLES: Record<string, string> = {
  UNAUTHENTICATED: 'Please sign in',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  BAD_USER_INPUT: 'Please check your input',
  FIELD_LOCKED: 'Managed by a directory',
  // A refusal of the current state ("disconnect that list first", "a sync is already in
  // progress"): the message says what is in the way.
  CONFLICT: 'Not possible right now',
  TOO_MANY_REQUESTS: 'Too many attempts',
  QUERY_TOO_COMPLEX: 'Request too large',
  SETUP_ALREADY_DONE: 'Already set up',
  SERVICE_UNAVAILABLE: 'Rollcall is busy',
  INTERNAL_SERVER_ERROR: 'Something went wrong',
  NETWORK: 'Cannot reach Rollcall',
};

/** What a person needs to know about a failed operation. */
export interface Problem {
  code: string;
  title: string;
  message: string;
  /** The field key the server blamed (`extensions.field`), for showing the message next to its input. */
  field?: string;
}

/** The one place error codes become words: a short title plus the server's own message. */
export function describeError(error: unknown): Problem {
  const apollo = error as Partial<ApolloError> | null;
  const gql = apollo?.graphQLErrors?.[0];
  if (gql) {
    const code = String(gql.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    const field = typeof gql.extensions?.field === 'string' ? gql.extensions.field : undefined;
    return { code, title: TITLES[code] ?? TITLES.INTERNAL_SERVER_ERROR!, message: gql.message, ...(field ? { field } : {}) };
  }
  // A plain HTTP endpoint's error body ({ code, message }), e.g. the CSV upload.
  const plain = error as { code?: unknown; message?: unknown } | null;
  if (!gql && typeof plain?.code === 'string' && typeof plain.message === 'string' && !(error instanceof Error)) {
    return { code: plain.code, title: TITLES[plain.code] ?? TITLES.INTERNAL_SERVER_ERROR!, message: plain.message };
  }
  if (apollo?.networkError) {
    return { code: 'NETWORK', title: TITLES.NETWORK!, message: 'Check your connection; the server did not answer. Try again in a moment.' };
  }
  return { code: 'UNKNOWN', title: TITLES.INTERNAL_SERVER_ERROR!, message: error instanceof Error ? error.message : String(error) };
}

/** Whether the server says the caller is not (or no longer) signed in. */
export function isUnauthenticated(error: unknown): boolean {
  return describeError(error).code === 'UNAUTHENTICATED';
}

/**
 * Error state for one form: `attempt` runs its submit action and keeps what went wrong;
 * `fieldError(key)` is the message for the input the server named in `extensions.field`;
 * `formError` is the problem to show above the form, when no shown input can carry it.
 *
 * @param shownFields the field keys this form renders next to inputs (may be reactive).
 */
export function useErrorMessage(shownFields: MaybeRefOrGetter<readonly string[]> = []) {
  const problem = ref<Problem | null>(null);

  /** Runs `action`; on failure remembers the problem and returns undefined. */
  async function attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    problem.value = null;
    try {
      return await action();
    } catch (e) {
      problem.value = describeError(e);
      return undefined;
    }
  }

  /** The server's message when it blamed one of `keys` (aliases of the same input), else null. */
  function fieldError(...keys: string[]): string | null {
    const p = problem.value;
    return p?.field && keys.includes(p.field) ? p.message : null;
  }

  const formError = computed(() => {
    const p = problem.value;
    if (!p) return null;
    return p.field && toValue(shownFields).includes(p.field) ? null : p;
  });

  return {
    problem,
    attempt,
    fieldError,
    formError,
    clear: () => (problem.value = null),
  };
}

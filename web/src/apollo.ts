import { ApolloClient, HttpLink, InMemoryCache, from, split } from '@apollo/client/core';
import { onError } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

// Same origin in production (the API serves the SPA) and in development (Vite proxies /graphql).
// The HttpOnly session cookie authenticates both HTTP requests and the WebSocket upgrade.
// HttpLink always POSTs JSON, which Apollo Server's CSRF prevention requires.
const httpLink = new HttpLink({ uri: '/graphql', credentials: 'same-origin', useGETForQueries: false });
const wsLink = new GraphQLWsLink(
  createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: 5,
  }),
);

let signedOut: (() => void) | null = null;

/** Registers what happens when the server says the session is gone (the router sends the person to sign-in). */
export function onSignedOut(handler: () => void): void {
  signedOut = handler;
}

// UNAUTHENTICATED from any operation means the session expired or was revoked. A failed sign-in
// answers UNAUTHENTICATED too; that one is the sign-in form's to show.
const authLink = onError(({ graphQLErrors, operation }) => {
  if (operation.operationName === 'Login') return;
  if (graphQLErrors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) signedOut?.();
});

/** The one Apollo Client: server data lives in its cache, not in stores. */
export const apolloClient = new ApolloClient({
  link: from([
    authLink,
    split(
      ({ query }) => {
        const def = getMainDefinition(query);
        return def.kind === 'OperationDefinition' && def.operation === 'subscription';
      },
      wsLink,
      httpLink,
    ),
  ]),
  cache: new InMemoryCache({
    typePolicies: {
      // Pages are cached per argument set (list, cursor, status, search, sort), and a refetch
      // replaces a page rather than appending to it: paging is Next/Previous, not infinite.
      Query: { fields: { people: { merge: false }, auditTrail: { merge: false } } },
      Person: { fields: { values: { merge: false }, auditTrail: { merge: false } } },
      MasterList: { fields: { fields: { merge: false } } },
      // One sync status per list (it has no id of its own): the Sync tab's summary and the runs
      // panel read and refresh the same entry.
      ListSyncStatus: { keyFields: ['listId'] },
      // A run's counts arrive in documents asking for different subsets (the runs panel, the
      // summary's last run): merge them, so one asking for fewer never drops the others.
      SyncRunCounts: { merge: true },
      // A person's copy in a session has no id of its own: an edit replaces the row in the page.
      SessionPerson: { keyFields: ['sessionId', 'personId'], fields: { values: { merge: false }, base: { merge: false }, photos: { merge: false } } },
      Changeset: { fields: { changes: { merge: false } } },
      Session: { fields: { people: { merge: false } } },
    },
  }),
  defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
});

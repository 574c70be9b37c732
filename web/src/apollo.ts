import { ApolloClient, HttpLink, InMemoryCache, split } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';

// Same origin in production (the API serves the SPA) and in development (Vite proxies /graphql).
// The HttpOnly session cookie authenticates both HTTP requests and the WebSocket upgrade.
const httpLink = new HttpLink({ uri: '/graphql', credentials: 'same-origin' });
const wsLink = new GraphQLWsLink(
  createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    lazy: true,
    retryAttempts: 5,
  }),
);

/** The one Apollo Client: server data lives in its cache, not in stores. */
export const apolloClient = new ApolloClient({
  link: split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    wsLink,
    httpLink,
  ),
  cache: new InMemoryCache({
    typePolicies: {
      Query: { fields: { people: { keyArgs: false, merge: false } } },
      Person: { fields: { values: { merge: false } } },
      MasterList: { fields: { fields: { merge: false } } },
    },
  }),
  defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
});

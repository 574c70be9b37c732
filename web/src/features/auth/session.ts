import type { ApolloCache } from '@apollo/client/core';
import { ViewerQuery } from './documents';
import type { ViewerPartsFragment } from '../../gql/graphql';

/**
 * Records who is signed in (or that no one is) in the Apollo cache, where the router guard and
 * the layout read it: after sign-in and setup from the mutation's answer (which carries the
 * `__typename`s Apollo added to the operation), after sign-out as null.
 */
export function writeViewer(cache: ApolloCache<unknown>, viewer: ViewerPartsFragment | null): void {
  cache.writeQuery({ query: ViewerQuery, data: { viewer } });
}

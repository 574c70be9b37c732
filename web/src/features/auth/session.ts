import type { ApolloCache } from '@apollo/client/core';
import { ViewerQuery } from './documents';
import type { ViewerPartsFragment } from '../../gql/graphql';

/**
 * Records who is signed in (or that no one is) in the Apollo cache, where the router guard and
 * the layout read it: after sign-in and setup from the mutation's answer, after sign-out as null.
 */
export function writeViewer(cache: ApolloCache<unknown>, viewer: ViewerPartsFragment | null): void {
  cache.writeQuery({ query: ViewerQuery, data: { viewer: viewer ? { __typename: 'Viewer', ...viewer } : null } });
}

import { graphql } from '../../gql';

export const AuditTrailQuery = graphql(`
  query AuditTrail($listId: ID!, $after: String) {
    auditTrail(listId: $listId, first: 50, after: $after) {
      edges { id at action entityType personId actor { label type } changes { field before after } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

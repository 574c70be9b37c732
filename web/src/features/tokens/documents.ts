import { graphql } from '../../gql';

export const ApiTokensQuery = graphql(`
  query ApiTokens {
    apiTokens { id name prefix createdAt lastUsedAt revokedAt createdBy { id name email } }
  }
`);

export const CreateApiTokenMutation = graphql(`
  mutation CreateApiToken($name: String!) {
    createApiToken(name: $name) { token apiToken { id prefix } }
  }
`);

export const RevokeApiTokenMutation = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) { id revokedAt }
  }
`);

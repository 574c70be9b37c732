import { graphql } from '../../gql';

export const EntraConnectionPartsFragment = graphql(`
  fragment EntraConnectionParts on EntraConnection {
    id name tenantId cloud lastTestOk lastTestMessage lastTestedAt secretExpiresAt
  }
`);

export const ListSyncQuery = graphql(`
  query ListSync($listId: ID!) {
    listSync(listId: $listId) {
      listId provider intervalMinutes nextRunAt deactivationLimitPercent deactivationLimitCount
      connection { ...EntraConnectionParts }
      scope { kind groupId groupName enabledOnly }
      mappings { sourceAttribute transform field { ...FieldParts } }
      lastRun { id status mode trigger reason createdAt finishedAt counts { seen created updated deactivated reactivated errors } }
    }
  }
`);

export const EntraConnectionsQuery = graphql(`
  query EntraConnections {
    entraConnections { ...EntraConnectionParts }
  }
`);

export const EntraGroupsQuery = graphql(`
  query EntraGroups($connectionId: ID!, $search: String) {
    entraGroups(connectionId: $connectionId, search: $search) { id displayName description memberCount }
  }
`);

export const EntraSourceFieldsQuery = graphql(`
  query EntraSourceFields($connectionId: ID!, $listId: ID!, $groupId: ID) {
    entraSourceFields(connectionId: $connectionId, listId: $listId, groupId: $groupId) {
      attribute label category samples suggestedFieldKey suggestedType mappedFieldKey
    }
  }
`);

export const ConfigureEntraSyncMutation = graphql(`
  mutation ConfigureEntraSync($input: ConfigureEntraSyncInput!) {
    configureEntraSync(input: $input) { listId provider }
  }
`);

export const DisconnectSyncMutation = graphql(`
  mutation DisconnectSync($listId: ID!) {
    disconnectSync(listId: $listId) { id syncProvider fields { ...FieldParts } }
  }
`);

export const ScimConnectionQuery = graphql(`
  query ScimConnection($listId: ID!) {
    scimConnection(listId: $listId) {
      listId connected uniqueIdentifier baseUrl
      mappings { sourceAttribute transform field { ...FieldParts } }
    }
    scimTokens(listId: $listId) { id prefix createdBy createdAt lastUsedAt revokedAt }
  }
`);

export const ScimAttributesQuery = graphql(`
  query ScimAttributes {
    scimAttributes { attribute label category type }
  }
`);

export const ConnectScimMutation = graphql(`
  mutation ConnectScim($listId: ID!, $uniqueIdentifier: ScimUniqueIdentifier!) {
    connectScim(listId: $listId, uniqueIdentifier: $uniqueIdentifier) { listId connected uniqueIdentifier baseUrl }
  }
`);

export const SetScimMappingsMutation = graphql(`
  mutation SetScimMappings($listId: ID!, $mappings: [ScimMappingInput!]!) {
    setScimMappings(listId: $listId, mappings: $mappings) { listId mappings { sourceAttribute transform field { ...FieldParts } } }
  }
`);

export const GenerateScimTokenMutation = graphql(`
  mutation GenerateScimToken($listId: ID!) {
    generateScimToken(listId: $listId) { token baseUrl scimToken { id prefix createdBy createdAt lastUsedAt revokedAt } }
  }
`);

export const RevokeScimTokenMutation = graphql(`
  mutation RevokeScimToken($id: ID!) {
    revokeScimToken(id: $id) { id revokedAt }
  }
`);

export const ProvisioningLogQuery = graphql(`
  query ProvisioningLog($listId: ID!, $errorsOnly: Boolean) {
    provisioningLog(listId: $listId, errorsOnly: $errorsOnly, first: 25) {
      edges { ...ProvisioningEntryParts }
    }
  }
`);

export const ProvisioningEntryPartsFragment = graphql(`
  fragment ProvisioningEntryParts on ProvisioningLogEntry {
    id operation personId method path status idp durationMs at detail
  }
`);

export const ProvisioningLoggedSubscription = graphql(`
  subscription ProvisioningLogged($listId: ID!) {
    provisioningLogged(listId: $listId) { ...ProvisioningEntryParts }
  }
`);

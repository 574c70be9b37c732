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

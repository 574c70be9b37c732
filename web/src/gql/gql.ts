/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Alerts($includeDismissed: Boolean! = false) {\n    alerts(includeDismissed: $includeDismissed) { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n": typeof types.AlertsDocument,
    "\n  mutation DismissAlert($id: ID!) {\n    dismissAlert(id: $id) { id dismissedAt dismissedBy }\n  }\n": typeof types.DismissAlertDocument,
    "\n  subscription AlertsChanged {\n    alertsChanged { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n": typeof types.AlertsChangedDocument,
    "\n  query AuditTrail($listId: ID!, $after: String) {\n    auditTrail(listId: $listId, first: 50, after: $after) {\n      edges { id at action entityType personId actor { label type } changes { field before after } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.AuditTrailDocument,
    "\n  fragment ViewerParts on Viewer {\n    member { id name email role }\n    organization { id name }\n  }\n": typeof types.ViewerPartsFragmentDoc,
    "\n  query SetupStatus {\n    setupStatus { needsSetup }\n  }\n": typeof types.SetupStatusDocument,
    "\n  query Viewer {\n    viewer { ...ViewerParts }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation Setup($input: SetupInput!) {\n    setup(input: $input) { expiresAt viewer { ...ViewerParts } }\n  }\n": typeof types.SetupDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { expiresAt viewer { ...ViewerParts } }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query CsvImport($id: ID!) {\n    csvImport(id: $id) {\n      id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn\n      mapping { column fieldKey transform }\n      columns { name position samples suggestedFieldKey suggestedType suggestedUid }\n    }\n  }\n": typeof types.CsvImportDocument,
    "\n  query CsvValidation($id: ID!, $first: Int!) {\n    csvImport(id: $id) {\n      id\n      validation(first: $first) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } }\n    }\n  }\n": typeof types.CsvValidationDocument,
    "\n  mutation SetCsvImportMapping($input: SetCsvImportMappingInput!) {\n    setCsvImportMapping(input: $input) { id uidColumn mapping { column fieldKey transform } }\n  }\n": typeof types.SetCsvImportMappingDocument,
    "\n  mutation PreviewCsvImport($input: CsvImportOptionsInput!) {\n    previewCsvImport(input: $input) {\n      run { ...SyncRunParts }\n      possibleDuplicates { uid values personId personUid personValues reason }\n    }\n  }\n": typeof types.PreviewCsvImportDocument,
    "\n  mutation CommitCsvImport($input: CsvImportOptionsInput!) {\n    commitCsvImport(input: $input) { ...SyncRunParts }\n  }\n": typeof types.CommitCsvImportDocument,
    "\n  fragment IntegrationConnection on EntraConnection {\n    id name tenantId clientId cloud secretExpiresAt lastTestOk lastTestProblem lastTestMessage lastTestedAt createdAt updatedAt\n    lists { id name }\n  }\n": typeof types.IntegrationConnectionFragmentDoc,
    "\n  query IntegrationConnections {\n    entraConnections { ...IntegrationConnection }\n  }\n": typeof types.IntegrationConnectionsDocument,
    "\n  mutation IntegrationCreateConnection($input: CreateEntraConnectionInput!) {\n    createEntraConnection(input: $input) { ...IntegrationConnection }\n  }\n": typeof types.IntegrationCreateConnectionDocument,
    "\n  mutation IntegrationUpdateConnection($id: ID!, $input: UpdateEntraConnectionInput!) {\n    updateEntraConnection(id: $id, input: $input) { ...IntegrationConnection }\n  }\n": typeof types.IntegrationUpdateConnectionDocument,
    "\n  mutation IntegrationTestConnection($id: ID!) {\n    testEntraConnection(id: $id) { ok problem message userCount groupCount connection { ...IntegrationConnection } }\n  }\n": typeof types.IntegrationTestConnectionDocument,
    "\n  mutation IntegrationRemoveConnection($id: ID!) {\n    removeEntraConnection(id: $id)\n  }\n": typeof types.IntegrationRemoveConnectionDocument,
    "\n  fragment FieldParts on Field {\n    id key label type required description position isUid locked lockedBy\n  }\n": typeof types.FieldPartsFragmentDoc,
    "\n  query MasterLists($includeArchived: Boolean) {\n    masterLists(includeArchived: $includeArchived) {\n      id name description archived activeCount inactiveCount syncProvider updatedAt\n      uidField { id key label }\n    }\n  }\n": typeof types.MasterListsDocument,
    "\n  query MasterList($id: ID!) {\n    masterList(id: $id) {\n      id name description archived activeCount inactiveCount syncProvider createdAt updatedAt\n      uidField { id }\n      fields { ...FieldParts }\n    }\n  }\n": typeof types.MasterListDocument,
    "\n  mutation CreateMasterList($input: CreateMasterListInput!) {\n    createMasterList(input: $input) { id name }\n  }\n": typeof types.CreateMasterListDocument,
    "\n  mutation RenameMasterList($id: ID!, $name: String!) {\n    renameMasterList(id: $id, name: $name) { id name }\n  }\n": typeof types.RenameMasterListDocument,
    "\n  mutation ArchiveMasterList($id: ID!) {\n    archiveMasterList(id: $id) { id archived }\n  }\n": typeof types.ArchiveMasterListDocument,
    "\n  mutation UnarchiveMasterList($id: ID!) {\n    unarchiveMasterList(id: $id) { id archived }\n  }\n": typeof types.UnarchiveMasterListDocument,
    "\n  mutation AddField($listId: ID!, $input: FieldInput!) {\n    addField(listId: $listId, input: $input) { ...FieldParts }\n  }\n": typeof types.AddFieldDocument,
    "\n  mutation UpdateField($id: ID!, $input: UpdateFieldInput!) {\n    updateField(id: $id, input: $input) { ...FieldParts }\n  }\n": typeof types.UpdateFieldDocument,
    "\n  mutation ReorderFields($listId: ID!, $fieldIds: [ID!]!) {\n    reorderFields(listId: $listId, fieldIds: $fieldIds) { ...FieldParts }\n  }\n": typeof types.ReorderFieldsDocument,
    "\n  mutation RemoveField($id: ID!) {\n    removeField(id: $id)\n  }\n": typeof types.RemoveFieldDocument,
    "\n  mutation SetUidField($listId: ID!, $fieldId: ID!) {\n    setUidField(listId: $listId, fieldId: $fieldId) { id fields { ...FieldParts } }\n  }\n": typeof types.SetUidFieldDocument,
    "\n  query Members {\n    members { id name email role createdAt lastSignInAt }\n  }\n": typeof types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) { id }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) { id role }\n  }\n": typeof types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  fragment PersonRow on Person {\n    id uid status values source createdAt updatedAt deactivatedAt\n  }\n": typeof types.PersonRowFragmentDoc,
    "\n  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {\n    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { ...PersonRow } }\n    }\n  }\n": typeof types.PeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonRow\n      listId sourceAnchor\n      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }\n    }\n  }\n": typeof types.PersonDocument,
    "\n  mutation CreatePerson($listId: ID!, $values: JSONObject!) {\n    createPerson(listId: $listId, values: $values) { ...PersonRow }\n  }\n": typeof types.CreatePersonDocument,
    "\n  mutation UpdatePerson($id: ID!, $values: JSONObject!) {\n    updatePerson(id: $id, values: $values) { ...PersonRow }\n  }\n": typeof types.UpdatePersonDocument,
    "\n  mutation DeactivatePerson($id: ID!) {\n    deactivatePerson(id: $id) { ...PersonRow }\n  }\n": typeof types.DeactivatePersonDocument,
    "\n  mutation ReactivatePerson($id: ID!) {\n    reactivatePerson(id: $id) { ...PersonRow }\n  }\n": typeof types.ReactivatePersonDocument,
    "\n  mutation ErasePerson($id: ID!) {\n    erasePerson(id: $id)\n  }\n": typeof types.ErasePersonDocument,
    "\n  subscription PersonChanged($listId: ID!) {\n    personChanged(listId: $listId) { personId kind person { ...PersonRow } }\n  }\n": typeof types.PersonChangedDocument,
    "\n  fragment SessionParts on Session {\n    id listId name peopleCount createdBy createdAt\n    filter { status search filters { field operator value } }\n  }\n": typeof types.SessionPartsFragmentDoc,
    "\n  fragment ChangesetSummary on Changeset {\n    id listId sessionId sessionName status createdBy createdAt appliedBy appliedAt rolledBackBy rolledBackAt\n    counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }\n  }\n": typeof types.ChangesetSummaryFragmentDoc,
    "\n  query Sessions($listId: ID!) {\n    sessions(listId: $listId) { ...SessionParts }\n    changesets(listId: $listId, first: 50) { ...ChangesetSummary }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) { ...SessionParts }\n  }\n": typeof types.CreateSessionDocument,
    "\n  fragment SessionPhotoParts on SessionPhoto { id personId url status uploadedBy uploadedAt decidedBy }\n": typeof types.SessionPhotoPartsFragmentDoc,
    "\n  fragment SessionPersonParts on SessionPerson {\n    personId sessionId uid base values updatedAt\n    photos { ...SessionPhotoParts }\n  }\n": typeof types.SessionPersonPartsFragmentDoc,
    "\n  query Session($id: ID!, $search: String, $after: String) {\n    session(id: $id) {\n      ...SessionParts\n      people(first: 100, search: $search, after: $after) { hasNextPage people { ...SessionPersonParts } }\n    }\n  }\n": typeof types.SessionDocument,
    "\n  mutation UpdateSessionPerson($sessionId: ID!, $personId: ID!, $values: JSONObject!) {\n    updateSessionPerson(sessionId: $sessionId, personId: $personId, values: $values) { ...SessionPersonParts }\n  }\n": typeof types.UpdateSessionPersonDocument,
    "\n  mutation UploadSessionPhoto($sessionId: ID!, $personId: ID!, $dataUrl: String!) {\n    uploadSessionPhoto(sessionId: $sessionId, personId: $personId, dataUrl: $dataUrl) { ...SessionPhotoParts }\n  }\n": typeof types.UploadSessionPhotoDocument,
    "\n  mutation DecideSessionPhoto($photoId: ID!, $approve: Boolean!) {\n    decideSessionPhoto(photoId: $photoId, approve: $approve) { ...SessionPhotoParts }\n  }\n": typeof types.DecideSessionPhotoDocument,
    "\n  mutation SaveSessionToList($sessionId: ID!) {\n    saveSessionToList(sessionId: $sessionId) { ...ChangesetSummary }\n  }\n": typeof types.SaveSessionToListDocument,
    "\n  fragment ChangeParts on Change {\n    id personId uid field base session master kind blockedReason photoId decision decidedBy decidedAt returnedAt outcome appliedBefore\n  }\n": typeof types.ChangePartsFragmentDoc,
    "\n  query Changeset($id: ID!) {\n    changeset(id: $id) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": typeof types.ChangesetDocument,
    "\n  mutation DecideChanges($changesetId: ID!, $changeIds: [ID!]!, $decision: ChangeDecision!) {\n    decideChanges(changesetId: $changesetId, changeIds: $changeIds, decision: $decision) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": typeof types.DecideChangesDocument,
    "\n  mutation ApproveCleanChanges($changesetId: ID!) {\n    approveCleanChanges(changesetId: $changesetId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": typeof types.ApproveCleanChangesDocument,
    "\n  mutation ApplyChangeset($changesetId: ID!) {\n    applyChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n": typeof types.ApplyChangesetDocument,
    "\n  mutation RollbackChangeset($changesetId: ID!) {\n    rollbackChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n": typeof types.RollbackChangesetDocument,
    "\n  subscription ChangesetUpdated($listId: ID!) {\n    changesetUpdated(listId: $listId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": typeof types.ChangesetUpdatedDocument,
    "\n  query SyncReviewPolicy($id: ID!) {\n    masterList(id: $id) { id reviewSyncChanges autoApprove }\n  }\n": typeof types.SyncReviewPolicyDocument,
    "\n  mutation SetSyncReviewPolicy($listId: ID!, $review: Boolean!, $autoApprove: [AutoApproveKind!]!) {\n    setSyncReviewPolicy(listId: $listId, reviewSyncChanges: $review, autoApprove: $autoApprove) { id reviewSyncChanges autoApprove }\n  }\n": typeof types.SetSyncReviewPolicyDocument,
    "\n  fragment EntraConnectionParts on EntraConnection {\n    id name tenantId cloud lastTestOk lastTestMessage lastTestedAt secretExpiresAt\n  }\n": typeof types.EntraConnectionPartsFragmentDoc,
    "\n  query ListSync($listId: ID!) {\n    listSync(listId: $listId) {\n      listId provider intervalMinutes nextRunAt deactivationLimitPercent deactivationLimitCount\n      connection { ...EntraConnectionParts }\n      scope { kind groupId groupName enabledOnly }\n      mappings { sourceAttribute transform field { ...FieldParts } }\n      lastRun { id status mode trigger reason createdAt finishedAt counts { seen created updated deactivated reactivated errors } }\n    }\n  }\n": typeof types.ListSyncDocument,
    "\n  query EntraConnections {\n    entraConnections { ...EntraConnectionParts }\n  }\n": typeof types.EntraConnectionsDocument,
    "\n  query EntraGroups($connectionId: ID!, $search: String) {\n    entraGroups(connectionId: $connectionId, search: $search) { id displayName description memberCount }\n  }\n": typeof types.EntraGroupsDocument,
    "\n  query EntraSourceFields($connectionId: ID!, $listId: ID!, $groupId: ID) {\n    entraSourceFields(connectionId: $connectionId, listId: $listId, groupId: $groupId) {\n      attribute label category samples suggestedFieldKey suggestedType mappedFieldKey\n    }\n  }\n": typeof types.EntraSourceFieldsDocument,
    "\n  mutation ConfigureEntraSync($input: ConfigureEntraSyncInput!) {\n    configureEntraSync(input: $input) { listId provider }\n  }\n": typeof types.ConfigureEntraSyncDocument,
    "\n  mutation DisconnectSync($listId: ID!) {\n    disconnectSync(listId: $listId) { id syncProvider fields { ...FieldParts } }\n  }\n": typeof types.DisconnectSyncDocument,
    "\n  query ScimConnection($listId: ID!) {\n    scimConnection(listId: $listId) {\n      listId connected uniqueIdentifier baseUrl\n      mappings { sourceAttribute transform field { ...FieldParts } }\n    }\n    scimTokens(listId: $listId) { id prefix createdBy createdAt lastUsedAt revokedAt }\n  }\n": typeof types.ScimConnectionDocument,
    "\n  query ScimAttributes {\n    scimAttributes { attribute label category type }\n  }\n": typeof types.ScimAttributesDocument,
    "\n  mutation ConnectScim($listId: ID!, $uniqueIdentifier: ScimUniqueIdentifier!) {\n    connectScim(listId: $listId, uniqueIdentifier: $uniqueIdentifier) { listId connected uniqueIdentifier baseUrl }\n  }\n": typeof types.ConnectScimDocument,
    "\n  mutation SetScimMappings($listId: ID!, $mappings: [ScimMappingInput!]!) {\n    setScimMappings(listId: $listId, mappings: $mappings) { listId mappings { sourceAttribute transform field { ...FieldParts } } }\n  }\n": typeof types.SetScimMappingsDocument,
    "\n  mutation GenerateScimToken($listId: ID!) {\n    generateScimToken(listId: $listId) { token baseUrl scimToken { id prefix createdBy createdAt lastUsedAt revokedAt } }\n  }\n": typeof types.GenerateScimTokenDocument,
    "\n  mutation RevokeScimToken($id: ID!) {\n    revokeScimToken(id: $id) { id revokedAt }\n  }\n": typeof types.RevokeScimTokenDocument,
    "\n  query ProvisioningLog($listId: ID!, $errorsOnly: Boolean) {\n    provisioningLog(listId: $listId, errorsOnly: $errorsOnly, first: 25) {\n      edges { ...ProvisioningEntryParts }\n    }\n  }\n": typeof types.ProvisioningLogDocument,
    "\n  fragment ProvisioningEntryParts on ProvisioningLogEntry {\n    id operation personId method path status idp durationMs at detail\n  }\n": typeof types.ProvisioningEntryPartsFragmentDoc,
    "\n  subscription ProvisioningLogged($listId: ID!) {\n    provisioningLogged(listId: $listId) { ...ProvisioningEntryParts }\n  }\n": typeof types.ProvisioningLoggedDocument,
    "\n  fragment SyncRunParts on SyncRun {\n    id listId source status mode readInFull trigger attempt phase reason startedBy createdAt startedAt finishedAt\n    counts { seen created updated deactivated reactivated unchanged photos errors }\n  }\n": typeof types.SyncRunPartsFragmentDoc,
    "\n  query SyncRuns($listId: ID!, $first: Int!) {\n    syncRuns(listId: $listId, first: $first) { ...SyncRunParts }\n  }\n": typeof types.SyncRunsDocument,
    "\n  query SyncRunErrors($id: ID!) {\n    syncRun(id: $id) { id errors { anchor reason } }\n  }\n": typeof types.SyncRunErrorsDocument,
    "\n  fragment PlannedChangeParts on PlannedChange {\n    uid personId reason values changes { field before after }\n  }\n": typeof types.PlannedChangePartsFragmentDoc,
    "\n  query SyncRunPreview($id: ID!, $first: Int!) {\n    syncRun(id: $id) {\n      id\n      preview(first: $first) {\n        creates { ...PlannedChangeParts }\n        updates { ...PlannedChangeParts }\n        deactivations { ...PlannedChangeParts }\n        reactivations { ...PlannedChangeParts }\n      }\n    }\n  }\n": typeof types.SyncRunPreviewDocument,
    "\n  subscription SyncRunProgress($runId: ID!) {\n    syncRunProgress(runId: $runId) { ...SyncRunParts }\n  }\n": typeof types.SyncRunProgressDocument,
    "\n  mutation SyncNow($listId: ID!, $mode: SyncRunMode!) {\n    syncNow(listId: $listId, mode: $mode) { ...SyncRunParts }\n  }\n": typeof types.SyncNowDocument,
    "\n  mutation ApproveSyncRun($id: ID!, $reject: SyncRunRejectionsInput) {\n    approveSyncRun(id: $id, reject: $reject) { ...SyncRunParts }\n  }\n": typeof types.ApproveSyncRunDocument,
    "\n  mutation CancelSyncRun($id: ID!) {\n    cancelSyncRun(id: $id) { ...SyncRunParts }\n  }\n": typeof types.CancelSyncRunDocument,
    "\n  query ApiTokens {\n    apiTokens { id name prefix createdAt lastUsedAt revokedAt createdBy { id name email } }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($name: String!) {\n    createApiToken(name: $name) { token apiToken { id prefix } }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { id revokedAt }\n  }\n": typeof types.RevokeApiTokenDocument,
};
const documents: Documents = {
    "\n  query Alerts($includeDismissed: Boolean! = false) {\n    alerts(includeDismissed: $includeDismissed) { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n": types.AlertsDocument,
    "\n  mutation DismissAlert($id: ID!) {\n    dismissAlert(id: $id) { id dismissedAt dismissedBy }\n  }\n": types.DismissAlertDocument,
    "\n  subscription AlertsChanged {\n    alertsChanged { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n": types.AlertsChangedDocument,
    "\n  query AuditTrail($listId: ID!, $after: String) {\n    auditTrail(listId: $listId, first: 50, after: $after) {\n      edges { id at action entityType personId actor { label type } changes { field before after } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.AuditTrailDocument,
    "\n  fragment ViewerParts on Viewer {\n    member { id name email role }\n    organization { id name }\n  }\n": types.ViewerPartsFragmentDoc,
    "\n  query SetupStatus {\n    setupStatus { needsSetup }\n  }\n": types.SetupStatusDocument,
    "\n  query Viewer {\n    viewer { ...ViewerParts }\n  }\n": types.ViewerDocument,
    "\n  mutation Setup($input: SetupInput!) {\n    setup(input: $input) { expiresAt viewer { ...ViewerParts } }\n  }\n": types.SetupDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { expiresAt viewer { ...ViewerParts } }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query CsvImport($id: ID!) {\n    csvImport(id: $id) {\n      id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn\n      mapping { column fieldKey transform }\n      columns { name position samples suggestedFieldKey suggestedType suggestedUid }\n    }\n  }\n": types.CsvImportDocument,
    "\n  query CsvValidation($id: ID!, $first: Int!) {\n    csvImport(id: $id) {\n      id\n      validation(first: $first) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } }\n    }\n  }\n": types.CsvValidationDocument,
    "\n  mutation SetCsvImportMapping($input: SetCsvImportMappingInput!) {\n    setCsvImportMapping(input: $input) { id uidColumn mapping { column fieldKey transform } }\n  }\n": types.SetCsvImportMappingDocument,
    "\n  mutation PreviewCsvImport($input: CsvImportOptionsInput!) {\n    previewCsvImport(input: $input) {\n      run { ...SyncRunParts }\n      possibleDuplicates { uid values personId personUid personValues reason }\n    }\n  }\n": types.PreviewCsvImportDocument,
    "\n  mutation CommitCsvImport($input: CsvImportOptionsInput!) {\n    commitCsvImport(input: $input) { ...SyncRunParts }\n  }\n": types.CommitCsvImportDocument,
    "\n  fragment IntegrationConnection on EntraConnection {\n    id name tenantId clientId cloud secretExpiresAt lastTestOk lastTestProblem lastTestMessage lastTestedAt createdAt updatedAt\n    lists { id name }\n  }\n": types.IntegrationConnectionFragmentDoc,
    "\n  query IntegrationConnections {\n    entraConnections { ...IntegrationConnection }\n  }\n": types.IntegrationConnectionsDocument,
    "\n  mutation IntegrationCreateConnection($input: CreateEntraConnectionInput!) {\n    createEntraConnection(input: $input) { ...IntegrationConnection }\n  }\n": types.IntegrationCreateConnectionDocument,
    "\n  mutation IntegrationUpdateConnection($id: ID!, $input: UpdateEntraConnectionInput!) {\n    updateEntraConnection(id: $id, input: $input) { ...IntegrationConnection }\n  }\n": types.IntegrationUpdateConnectionDocument,
    "\n  mutation IntegrationTestConnection($id: ID!) {\n    testEntraConnection(id: $id) { ok problem message userCount groupCount connection { ...IntegrationConnection } }\n  }\n": types.IntegrationTestConnectionDocument,
    "\n  mutation IntegrationRemoveConnection($id: ID!) {\n    removeEntraConnection(id: $id)\n  }\n": types.IntegrationRemoveConnectionDocument,
    "\n  fragment FieldParts on Field {\n    id key label type required description position isUid locked lockedBy\n  }\n": types.FieldPartsFragmentDoc,
    "\n  query MasterLists($includeArchived: Boolean) {\n    masterLists(includeArchived: $includeArchived) {\n      id name description archived activeCount inactiveCount syncProvider updatedAt\n      uidField { id key label }\n    }\n  }\n": types.MasterListsDocument,
    "\n  query MasterList($id: ID!) {\n    masterList(id: $id) {\n      id name description archived activeCount inactiveCount syncProvider createdAt updatedAt\n      uidField { id }\n      fields { ...FieldParts }\n    }\n  }\n": types.MasterListDocument,
    "\n  mutation CreateMasterList($input: CreateMasterListInput!) {\n    createMasterList(input: $input) { id name }\n  }\n": types.CreateMasterListDocument,
    "\n  mutation RenameMasterList($id: ID!, $name: String!) {\n    renameMasterList(id: $id, name: $name) { id name }\n  }\n": types.RenameMasterListDocument,
    "\n  mutation ArchiveMasterList($id: ID!) {\n    archiveMasterList(id: $id) { id archived }\n  }\n": types.ArchiveMasterListDocument,
    "\n  mutation UnarchiveMasterList($id: ID!) {\n    unarchiveMasterList(id: $id) { id archived }\n  }\n": types.UnarchiveMasterListDocument,
    "\n  mutation AddField($listId: ID!, $input: FieldInput!) {\n    addField(listId: $listId, input: $input) { ...FieldParts }\n  }\n": types.AddFieldDocument,
    "\n  mutation UpdateField($id: ID!, $input: UpdateFieldInput!) {\n    updateField(id: $id, input: $input) { ...FieldParts }\n  }\n": types.UpdateFieldDocument,
    "\n  mutation ReorderFields($listId: ID!, $fieldIds: [ID!]!) {\n    reorderFields(listId: $listId, fieldIds: $fieldIds) { ...FieldParts }\n  }\n": types.ReorderFieldsDocument,
    "\n  mutation RemoveField($id: ID!) {\n    removeField(id: $id)\n  }\n": types.RemoveFieldDocument,
    "\n  mutation SetUidField($listId: ID!, $fieldId: ID!) {\n    setUidField(listId: $listId, fieldId: $fieldId) { id fields { ...FieldParts } }\n  }\n": types.SetUidFieldDocument,
    "\n  query Members {\n    members { id name email role createdAt lastSignInAt }\n  }\n": types.MembersDocument,
    "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) { id }\n  }\n": types.AddMemberDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) { id role }\n  }\n": types.UpdateMemberRoleDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": types.RemoveMemberDocument,
    "\n  fragment PersonRow on Person {\n    id uid status values source createdAt updatedAt deactivatedAt\n  }\n": types.PersonRowFragmentDoc,
    "\n  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {\n    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { ...PersonRow } }\n    }\n  }\n": types.PeopleDocument,
    "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonRow\n      listId sourceAnchor\n      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }\n    }\n  }\n": types.PersonDocument,
    "\n  mutation CreatePerson($listId: ID!, $values: JSONObject!) {\n    createPerson(listId: $listId, values: $values) { ...PersonRow }\n  }\n": types.CreatePersonDocument,
    "\n  mutation UpdatePerson($id: ID!, $values: JSONObject!) {\n    updatePerson(id: $id, values: $values) { ...PersonRow }\n  }\n": types.UpdatePersonDocument,
    "\n  mutation DeactivatePerson($id: ID!) {\n    deactivatePerson(id: $id) { ...PersonRow }\n  }\n": types.DeactivatePersonDocument,
    "\n  mutation ReactivatePerson($id: ID!) {\n    reactivatePerson(id: $id) { ...PersonRow }\n  }\n": types.ReactivatePersonDocument,
    "\n  mutation ErasePerson($id: ID!) {\n    erasePerson(id: $id)\n  }\n": types.ErasePersonDocument,
    "\n  subscription PersonChanged($listId: ID!) {\n    personChanged(listId: $listId) { personId kind person { ...PersonRow } }\n  }\n": types.PersonChangedDocument,
    "\n  fragment SessionParts on Session {\n    id listId name peopleCount createdBy createdAt\n    filter { status search filters { field operator value } }\n  }\n": types.SessionPartsFragmentDoc,
    "\n  fragment ChangesetSummary on Changeset {\n    id listId sessionId sessionName status createdBy createdAt appliedBy appliedAt rolledBackBy rolledBackAt\n    counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }\n  }\n": types.ChangesetSummaryFragmentDoc,
    "\n  query Sessions($listId: ID!) {\n    sessions(listId: $listId) { ...SessionParts }\n    changesets(listId: $listId, first: 50) { ...ChangesetSummary }\n  }\n": types.SessionsDocument,
    "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) { ...SessionParts }\n  }\n": types.CreateSessionDocument,
    "\n  fragment SessionPhotoParts on SessionPhoto { id personId url status uploadedBy uploadedAt decidedBy }\n": types.SessionPhotoPartsFragmentDoc,
    "\n  fragment SessionPersonParts on SessionPerson {\n    personId sessionId uid base values updatedAt\n    photos { ...SessionPhotoParts }\n  }\n": types.SessionPersonPartsFragmentDoc,
    "\n  query Session($id: ID!, $search: String, $after: String) {\n    session(id: $id) {\n      ...SessionParts\n      people(first: 100, search: $search, after: $after) { hasNextPage people { ...SessionPersonParts } }\n    }\n  }\n": types.SessionDocument,
    "\n  mutation UpdateSessionPerson($sessionId: ID!, $personId: ID!, $values: JSONObject!) {\n    updateSessionPerson(sessionId: $sessionId, personId: $personId, values: $values) { ...SessionPersonParts }\n  }\n": types.UpdateSessionPersonDocument,
    "\n  mutation UploadSessionPhoto($sessionId: ID!, $personId: ID!, $dataUrl: String!) {\n    uploadSessionPhoto(sessionId: $sessionId, personId: $personId, dataUrl: $dataUrl) { ...SessionPhotoParts }\n  }\n": types.UploadSessionPhotoDocument,
    "\n  mutation DecideSessionPhoto($photoId: ID!, $approve: Boolean!) {\n    decideSessionPhoto(photoId: $photoId, approve: $approve) { ...SessionPhotoParts }\n  }\n": types.DecideSessionPhotoDocument,
    "\n  mutation SaveSessionToList($sessionId: ID!) {\n    saveSessionToList(sessionId: $sessionId) { ...ChangesetSummary }\n  }\n": types.SaveSessionToListDocument,
    "\n  fragment ChangeParts on Change {\n    id personId uid field base session master kind blockedReason photoId decision decidedBy decidedAt returnedAt outcome appliedBefore\n  }\n": types.ChangePartsFragmentDoc,
    "\n  query Changeset($id: ID!) {\n    changeset(id: $id) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": types.ChangesetDocument,
    "\n  mutation DecideChanges($changesetId: ID!, $changeIds: [ID!]!, $decision: ChangeDecision!) {\n    decideChanges(changesetId: $changesetId, changeIds: $changeIds, decision: $decision) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": types.DecideChangesDocument,
    "\n  mutation ApproveCleanChanges($changesetId: ID!) {\n    approveCleanChanges(changesetId: $changesetId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": types.ApproveCleanChangesDocument,
    "\n  mutation ApplyChangeset($changesetId: ID!) {\n    applyChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n": types.ApplyChangesetDocument,
    "\n  mutation RollbackChangeset($changesetId: ID!) {\n    rollbackChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n": types.RollbackChangesetDocument,
    "\n  subscription ChangesetUpdated($listId: ID!) {\n    changesetUpdated(listId: $listId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n": types.ChangesetUpdatedDocument,
    "\n  query SyncReviewPolicy($id: ID!) {\n    masterList(id: $id) { id reviewSyncChanges autoApprove }\n  }\n": types.SyncReviewPolicyDocument,
    "\n  mutation SetSyncReviewPolicy($listId: ID!, $review: Boolean!, $autoApprove: [AutoApproveKind!]!) {\n    setSyncReviewPolicy(listId: $listId, reviewSyncChanges: $review, autoApprove: $autoApprove) { id reviewSyncChanges autoApprove }\n  }\n": types.SetSyncReviewPolicyDocument,
    "\n  fragment EntraConnectionParts on EntraConnection {\n    id name tenantId cloud lastTestOk lastTestMessage lastTestedAt secretExpiresAt\n  }\n": types.EntraConnectionPartsFragmentDoc,
    "\n  query ListSync($listId: ID!) {\n    listSync(listId: $listId) {\n      listId provider intervalMinutes nextRunAt deactivationLimitPercent deactivationLimitCount\n      connection { ...EntraConnectionParts }\n      scope { kind groupId groupName enabledOnly }\n      mappings { sourceAttribute transform field { ...FieldParts } }\n      lastRun { id status mode trigger reason createdAt finishedAt counts { seen created updated deactivated reactivated errors } }\n    }\n  }\n": types.ListSyncDocument,
    "\n  query EntraConnections {\n    entraConnections { ...EntraConnectionParts }\n  }\n": types.EntraConnectionsDocument,
    "\n  query EntraGroups($connectionId: ID!, $search: String) {\n    entraGroups(connectionId: $connectionId, search: $search) { id displayName description memberCount }\n  }\n": types.EntraGroupsDocument,
    "\n  query EntraSourceFields($connectionId: ID!, $listId: ID!, $groupId: ID) {\n    entraSourceFields(connectionId: $connectionId, listId: $listId, groupId: $groupId) {\n      attribute label category samples suggestedFieldKey suggestedType mappedFieldKey\n    }\n  }\n": types.EntraSourceFieldsDocument,
    "\n  mutation ConfigureEntraSync($input: ConfigureEntraSyncInput!) {\n    configureEntraSync(input: $input) { listId provider }\n  }\n": types.ConfigureEntraSyncDocument,
    "\n  mutation DisconnectSync($listId: ID!) {\n    disconnectSync(listId: $listId) { id syncProvider fields { ...FieldParts } }\n  }\n": types.DisconnectSyncDocument,
    "\n  query ScimConnection($listId: ID!) {\n    scimConnection(listId: $listId) {\n      listId connected uniqueIdentifier baseUrl\n      mappings { sourceAttribute transform field { ...FieldParts } }\n    }\n    scimTokens(listId: $listId) { id prefix createdBy createdAt lastUsedAt revokedAt }\n  }\n": types.ScimConnectionDocument,
    "\n  query ScimAttributes {\n    scimAttributes { attribute label category type }\n  }\n": types.ScimAttributesDocument,
    "\n  mutation ConnectScim($listId: ID!, $uniqueIdentifier: ScimUniqueIdentifier!) {\n    connectScim(listId: $listId, uniqueIdentifier: $uniqueIdentifier) { listId connected uniqueIdentifier baseUrl }\n  }\n": types.ConnectScimDocument,
    "\n  mutation SetScimMappings($listId: ID!, $mappings: [ScimMappingInput!]!) {\n    setScimMappings(listId: $listId, mappings: $mappings) { listId mappings { sourceAttribute transform field { ...FieldParts } } }\n  }\n": types.SetScimMappingsDocument,
    "\n  mutation GenerateScimToken($listId: ID!) {\n    generateScimToken(listId: $listId) { token baseUrl scimToken { id prefix createdBy createdAt lastUsedAt revokedAt } }\n  }\n": types.GenerateScimTokenDocument,
    "\n  mutation RevokeScimToken($id: ID!) {\n    revokeScimToken(id: $id) { id revokedAt }\n  }\n": types.RevokeScimTokenDocument,
    "\n  query ProvisioningLog($listId: ID!, $errorsOnly: Boolean) {\n    provisioningLog(listId: $listId, errorsOnly: $errorsOnly, first: 25) {\n      edges { ...ProvisioningEntryParts }\n    }\n  }\n": types.ProvisioningLogDocument,
    "\n  fragment ProvisioningEntryParts on ProvisioningLogEntry {\n    id operation personId method path status idp durationMs at detail\n  }\n": types.ProvisioningEntryPartsFragmentDoc,
    "\n  subscription ProvisioningLogged($listId: ID!) {\n    provisioningLogged(listId: $listId) { ...ProvisioningEntryParts }\n  }\n": types.ProvisioningLoggedDocument,
    "\n  fragment SyncRunParts on SyncRun {\n    id listId source status mode readInFull trigger attempt phase reason startedBy createdAt startedAt finishedAt\n    counts { seen created updated deactivated reactivated unchanged photos errors }\n  }\n": types.SyncRunPartsFragmentDoc,
    "\n  query SyncRuns($listId: ID!, $first: Int!) {\n    syncRuns(listId: $listId, first: $first) { ...SyncRunParts }\n  }\n": types.SyncRunsDocument,
    "\n  query SyncRunErrors($id: ID!) {\n    syncRun(id: $id) { id errors { anchor reason } }\n  }\n": types.SyncRunErrorsDocument,
    "\n  fragment PlannedChangeParts on PlannedChange {\n    uid personId reason values changes { field before after }\n  }\n": types.PlannedChangePartsFragmentDoc,
    "\n  query SyncRunPreview($id: ID!, $first: Int!) {\n    syncRun(id: $id) {\n      id\n      preview(first: $first) {\n        creates { ...PlannedChangeParts }\n        updates { ...PlannedChangeParts }\n        deactivations { ...PlannedChangeParts }\n        reactivations { ...PlannedChangeParts }\n      }\n    }\n  }\n": types.SyncRunPreviewDocument,
    "\n  subscription SyncRunProgress($runId: ID!) {\n    syncRunProgress(runId: $runId) { ...SyncRunParts }\n  }\n": types.SyncRunProgressDocument,
    "\n  mutation SyncNow($listId: ID!, $mode: SyncRunMode!) {\n    syncNow(listId: $listId, mode: $mode) { ...SyncRunParts }\n  }\n": types.SyncNowDocument,
    "\n  mutation ApproveSyncRun($id: ID!, $reject: SyncRunRejectionsInput) {\n    approveSyncRun(id: $id, reject: $reject) { ...SyncRunParts }\n  }\n": types.ApproveSyncRunDocument,
    "\n  mutation CancelSyncRun($id: ID!) {\n    cancelSyncRun(id: $id) { ...SyncRunParts }\n  }\n": types.CancelSyncRunDocument,
    "\n  query ApiTokens {\n    apiTokens { id name prefix createdAt lastUsedAt revokedAt createdBy { id name email } }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($name: String!) {\n    createApiToken(name: $name) { token apiToken { id prefix } }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { id revokedAt }\n  }\n": types.RevokeApiTokenDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($includeDismissed: Boolean! = false) {\n    alerts(includeDismissed: $includeDismissed) { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n"): (typeof documents)["\n  query Alerts($includeDismissed: Boolean! = false) {\n    alerts(includeDismissed: $includeDismissed) { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DismissAlert($id: ID!) {\n    dismissAlert(id: $id) { id dismissedAt dismissedBy }\n  }\n"): (typeof documents)["\n  mutation DismissAlert($id: ID!) {\n    dismissAlert(id: $id) { id dismissedAt dismissedBy }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertsChanged {\n    alertsChanged { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n"): (typeof documents)["\n  subscription AlertsChanged {\n    alertsChanged { id kind severity title message raisedAt listId listName runId connectionId connectionName dismissedAt dismissedBy }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditTrail($listId: ID!, $after: String) {\n    auditTrail(listId: $listId, first: 50, after: $after) {\n      edges { id at action entityType personId actor { label type } changes { field before after } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query AuditTrail($listId: ID!, $after: String) {\n    auditTrail(listId: $listId, first: 50, after: $after) {\n      edges { id at action entityType personId actor { label type } changes { field before after } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerParts on Viewer {\n    member { id name email role }\n    organization { id name }\n  }\n"): (typeof documents)["\n  fragment ViewerParts on Viewer {\n    member { id name email role }\n    organization { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SetupStatus {\n    setupStatus { needsSetup }\n  }\n"): (typeof documents)["\n  query SetupStatus {\n    setupStatus { needsSetup }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer { ...ViewerParts }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer { ...ViewerParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Setup($input: SetupInput!) {\n    setup(input: $input) { expiresAt viewer { ...ViewerParts } }\n  }\n"): (typeof documents)["\n  mutation Setup($input: SetupInput!) {\n    setup(input: $input) { expiresAt viewer { ...ViewerParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { expiresAt viewer { ...ViewerParts } }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) { expiresAt viewer { ...ViewerParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CsvImport($id: ID!) {\n    csvImport(id: $id) {\n      id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn\n      mapping { column fieldKey transform }\n      columns { name position samples suggestedFieldKey suggestedType suggestedUid }\n    }\n  }\n"): (typeof documents)["\n  query CsvImport($id: ID!) {\n    csvImport(id: $id) {\n      id listId fileName byteSize encoding delimiter headers sampleRows rowCount uidColumn\n      mapping { column fieldKey transform }\n      columns { name position samples suggestedFieldKey suggestedType suggestedUid }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CsvValidation($id: ID!, $first: Int!) {\n    csvImport(id: $id) {\n      id\n      validation(first: $first) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } }\n    }\n  }\n"): (typeof documents)["\n  query CsvValidation($id: ID!, $first: Int!) {\n    csvImport(id: $id) {\n      id\n      validation(first: $first) { rowCount validRows invalidRows errorCount warningCount problemsUrl problems { row column severity message } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetCsvImportMapping($input: SetCsvImportMappingInput!) {\n    setCsvImportMapping(input: $input) { id uidColumn mapping { column fieldKey transform } }\n  }\n"): (typeof documents)["\n  mutation SetCsvImportMapping($input: SetCsvImportMappingInput!) {\n    setCsvImportMapping(input: $input) { id uidColumn mapping { column fieldKey transform } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PreviewCsvImport($input: CsvImportOptionsInput!) {\n    previewCsvImport(input: $input) {\n      run { ...SyncRunParts }\n      possibleDuplicates { uid values personId personUid personValues reason }\n    }\n  }\n"): (typeof documents)["\n  mutation PreviewCsvImport($input: CsvImportOptionsInput!) {\n    previewCsvImport(input: $input) {\n      run { ...SyncRunParts }\n      possibleDuplicates { uid values personId personUid personValues reason }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CommitCsvImport($input: CsvImportOptionsInput!) {\n    commitCsvImport(input: $input) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  mutation CommitCsvImport($input: CsvImportOptionsInput!) {\n    commitCsvImport(input: $input) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IntegrationConnection on EntraConnection {\n    id name tenantId clientId cloud secretExpiresAt lastTestOk lastTestProblem lastTestMessage lastTestedAt createdAt updatedAt\n    lists { id name }\n  }\n"): (typeof documents)["\n  fragment IntegrationConnection on EntraConnection {\n    id name tenantId clientId cloud secretExpiresAt lastTestOk lastTestProblem lastTestMessage lastTestedAt createdAt updatedAt\n    lists { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IntegrationConnections {\n    entraConnections { ...IntegrationConnection }\n  }\n"): (typeof documents)["\n  query IntegrationConnections {\n    entraConnections { ...IntegrationConnection }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IntegrationCreateConnection($input: CreateEntraConnectionInput!) {\n    createEntraConnection(input: $input) { ...IntegrationConnection }\n  }\n"): (typeof documents)["\n  mutation IntegrationCreateConnection($input: CreateEntraConnectionInput!) {\n    createEntraConnection(input: $input) { ...IntegrationConnection }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IntegrationUpdateConnection($id: ID!, $input: UpdateEntraConnectionInput!) {\n    updateEntraConnection(id: $id, input: $input) { ...IntegrationConnection }\n  }\n"): (typeof documents)["\n  mutation IntegrationUpdateConnection($id: ID!, $input: UpdateEntraConnectionInput!) {\n    updateEntraConnection(id: $id, input: $input) { ...IntegrationConnection }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IntegrationTestConnection($id: ID!) {\n    testEntraConnection(id: $id) { ok problem message userCount groupCount connection { ...IntegrationConnection } }\n  }\n"): (typeof documents)["\n  mutation IntegrationTestConnection($id: ID!) {\n    testEntraConnection(id: $id) { ok problem message userCount groupCount connection { ...IntegrationConnection } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IntegrationRemoveConnection($id: ID!) {\n    removeEntraConnection(id: $id)\n  }\n"): (typeof documents)["\n  mutation IntegrationRemoveConnection($id: ID!) {\n    removeEntraConnection(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment FieldParts on Field {\n    id key label type required description position isUid locked lockedBy\n  }\n"): (typeof documents)["\n  fragment FieldParts on Field {\n    id key label type required description position isUid locked lockedBy\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MasterLists($includeArchived: Boolean) {\n    masterLists(includeArchived: $includeArchived) {\n      id name description archived activeCount inactiveCount syncProvider updatedAt\n      uidField { id key label }\n    }\n  }\n"): (typeof documents)["\n  query MasterLists($includeArchived: Boolean) {\n    masterLists(includeArchived: $includeArchived) {\n      id name description archived activeCount inactiveCount syncProvider updatedAt\n      uidField { id key label }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MasterList($id: ID!) {\n    masterList(id: $id) {\n      id name description archived activeCount inactiveCount syncProvider createdAt updatedAt\n      uidField { id }\n      fields { ...FieldParts }\n    }\n  }\n"): (typeof documents)["\n  query MasterList($id: ID!) {\n    masterList(id: $id) {\n      id name description archived activeCount inactiveCount syncProvider createdAt updatedAt\n      uidField { id }\n      fields { ...FieldParts }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateMasterList($input: CreateMasterListInput!) {\n    createMasterList(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation CreateMasterList($input: CreateMasterListInput!) {\n    createMasterList(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameMasterList($id: ID!, $name: String!) {\n    renameMasterList(id: $id, name: $name) { id name }\n  }\n"): (typeof documents)["\n  mutation RenameMasterList($id: ID!, $name: String!) {\n    renameMasterList(id: $id, name: $name) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveMasterList($id: ID!) {\n    archiveMasterList(id: $id) { id archived }\n  }\n"): (typeof documents)["\n  mutation ArchiveMasterList($id: ID!) {\n    archiveMasterList(id: $id) { id archived }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnarchiveMasterList($id: ID!) {\n    unarchiveMasterList(id: $id) { id archived }\n  }\n"): (typeof documents)["\n  mutation UnarchiveMasterList($id: ID!) {\n    unarchiveMasterList(id: $id) { id archived }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddField($listId: ID!, $input: FieldInput!) {\n    addField(listId: $listId, input: $input) { ...FieldParts }\n  }\n"): (typeof documents)["\n  mutation AddField($listId: ID!, $input: FieldInput!) {\n    addField(listId: $listId, input: $input) { ...FieldParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateField($id: ID!, $input: UpdateFieldInput!) {\n    updateField(id: $id, input: $input) { ...FieldParts }\n  }\n"): (typeof documents)["\n  mutation UpdateField($id: ID!, $input: UpdateFieldInput!) {\n    updateField(id: $id, input: $input) { ...FieldParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReorderFields($listId: ID!, $fieldIds: [ID!]!) {\n    reorderFields(listId: $listId, fieldIds: $fieldIds) { ...FieldParts }\n  }\n"): (typeof documents)["\n  mutation ReorderFields($listId: ID!, $fieldIds: [ID!]!) {\n    reorderFields(listId: $listId, fieldIds: $fieldIds) { ...FieldParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveField($id: ID!) {\n    removeField(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveField($id: ID!) {\n    removeField(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUidField($listId: ID!, $fieldId: ID!) {\n    setUidField(listId: $listId, fieldId: $fieldId) { id fields { ...FieldParts } }\n  }\n"): (typeof documents)["\n  mutation SetUidField($listId: ID!, $fieldId: ID!) {\n    setUidField(listId: $listId, fieldId: $fieldId) { id fields { ...FieldParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members {\n    members { id name email role createdAt lastSignInAt }\n  }\n"): (typeof documents)["\n  query Members {\n    members { id name email role createdAt lastSignInAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: AddMemberInput!) {\n    addMember(input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) { id role }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) { id role }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PersonRow on Person {\n    id uid status values source createdAt updatedAt deactivatedAt\n  }\n"): (typeof documents)["\n  fragment PersonRow on Person {\n    id uid status values source createdAt updatedAt deactivatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {\n    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { ...PersonRow } }\n    }\n  }\n"): (typeof documents)["\n  query People($listId: ID!, $first: Int, $after: String, $status: PersonStatusFilter, $search: String, $sort: PersonSort) {\n    people(listId: $listId, first: $first, after: $after, status: $status, search: $search, sort: $sort) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { ...PersonRow } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonRow\n      listId sourceAnchor\n      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }\n    }\n  }\n"): (typeof documents)["\n  query Person($id: ID!) {\n    person(id: $id) {\n      ...PersonRow\n      listId sourceAnchor\n      auditTrail(first: 30) { id at action actor { label type } changes { field before after } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePerson($listId: ID!, $values: JSONObject!) {\n    createPerson(listId: $listId, values: $values) { ...PersonRow }\n  }\n"): (typeof documents)["\n  mutation CreatePerson($listId: ID!, $values: JSONObject!) {\n    createPerson(listId: $listId, values: $values) { ...PersonRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePerson($id: ID!, $values: JSONObject!) {\n    updatePerson(id: $id, values: $values) { ...PersonRow }\n  }\n"): (typeof documents)["\n  mutation UpdatePerson($id: ID!, $values: JSONObject!) {\n    updatePerson(id: $id, values: $values) { ...PersonRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivatePerson($id: ID!) {\n    deactivatePerson(id: $id) { ...PersonRow }\n  }\n"): (typeof documents)["\n  mutation DeactivatePerson($id: ID!) {\n    deactivatePerson(id: $id) { ...PersonRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReactivatePerson($id: ID!) {\n    reactivatePerson(id: $id) { ...PersonRow }\n  }\n"): (typeof documents)["\n  mutation ReactivatePerson($id: ID!) {\n    reactivatePerson(id: $id) { ...PersonRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ErasePerson($id: ID!) {\n    erasePerson(id: $id)\n  }\n"): (typeof documents)["\n  mutation ErasePerson($id: ID!) {\n    erasePerson(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PersonChanged($listId: ID!) {\n    personChanged(listId: $listId) { personId kind person { ...PersonRow } }\n  }\n"): (typeof documents)["\n  subscription PersonChanged($listId: ID!) {\n    personChanged(listId: $listId) { personId kind person { ...PersonRow } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionParts on Session {\n    id listId name peopleCount createdBy createdAt\n    filter { status search filters { field operator value } }\n  }\n"): (typeof documents)["\n  fragment SessionParts on Session {\n    id listId name peopleCount createdBy createdAt\n    filter { status search filters { field operator value } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChangesetSummary on Changeset {\n    id listId sessionId sessionName status createdBy createdAt appliedBy appliedAt rolledBackBy rolledBackAt\n    counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }\n  }\n"): (typeof documents)["\n  fragment ChangesetSummary on Changeset {\n    id listId sessionId sessionName status createdBy createdAt appliedBy appliedAt rolledBackBy rolledBackAt\n    counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions($listId: ID!) {\n    sessions(listId: $listId) { ...SessionParts }\n    changesets(listId: $listId, first: 50) { ...ChangesetSummary }\n  }\n"): (typeof documents)["\n  query Sessions($listId: ID!) {\n    sessions(listId: $listId) { ...SessionParts }\n    changesets(listId: $listId, first: 50) { ...ChangesetSummary }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) { ...SessionParts }\n  }\n"): (typeof documents)["\n  mutation CreateSession($input: CreateSessionInput!) {\n    createSession(input: $input) { ...SessionParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionPhotoParts on SessionPhoto { id personId url status uploadedBy uploadedAt decidedBy }\n"): (typeof documents)["\n  fragment SessionPhotoParts on SessionPhoto { id personId url status uploadedBy uploadedAt decidedBy }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionPersonParts on SessionPerson {\n    personId sessionId uid base values updatedAt\n    photos { ...SessionPhotoParts }\n  }\n"): (typeof documents)["\n  fragment SessionPersonParts on SessionPerson {\n    personId sessionId uid base values updatedAt\n    photos { ...SessionPhotoParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session($id: ID!, $search: String, $after: String) {\n    session(id: $id) {\n      ...SessionParts\n      people(first: 100, search: $search, after: $after) { hasNextPage people { ...SessionPersonParts } }\n    }\n  }\n"): (typeof documents)["\n  query Session($id: ID!, $search: String, $after: String) {\n    session(id: $id) {\n      ...SessionParts\n      people(first: 100, search: $search, after: $after) { hasNextPage people { ...SessionPersonParts } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSessionPerson($sessionId: ID!, $personId: ID!, $values: JSONObject!) {\n    updateSessionPerson(sessionId: $sessionId, personId: $personId, values: $values) { ...SessionPersonParts }\n  }\n"): (typeof documents)["\n  mutation UpdateSessionPerson($sessionId: ID!, $personId: ID!, $values: JSONObject!) {\n    updateSessionPerson(sessionId: $sessionId, personId: $personId, values: $values) { ...SessionPersonParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadSessionPhoto($sessionId: ID!, $personId: ID!, $dataUrl: String!) {\n    uploadSessionPhoto(sessionId: $sessionId, personId: $personId, dataUrl: $dataUrl) { ...SessionPhotoParts }\n  }\n"): (typeof documents)["\n  mutation UploadSessionPhoto($sessionId: ID!, $personId: ID!, $dataUrl: String!) {\n    uploadSessionPhoto(sessionId: $sessionId, personId: $personId, dataUrl: $dataUrl) { ...SessionPhotoParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecideSessionPhoto($photoId: ID!, $approve: Boolean!) {\n    decideSessionPhoto(photoId: $photoId, approve: $approve) { ...SessionPhotoParts }\n  }\n"): (typeof documents)["\n  mutation DecideSessionPhoto($photoId: ID!, $approve: Boolean!) {\n    decideSessionPhoto(photoId: $photoId, approve: $approve) { ...SessionPhotoParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SaveSessionToList($sessionId: ID!) {\n    saveSessionToList(sessionId: $sessionId) { ...ChangesetSummary }\n  }\n"): (typeof documents)["\n  mutation SaveSessionToList($sessionId: ID!) {\n    saveSessionToList(sessionId: $sessionId) { ...ChangesetSummary }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChangeParts on Change {\n    id personId uid field base session master kind blockedReason photoId decision decidedBy decidedAt returnedAt outcome appliedBefore\n  }\n"): (typeof documents)["\n  fragment ChangeParts on Change {\n    id personId uid field base session master kind blockedReason photoId decision decidedBy decidedAt returnedAt outcome appliedBefore\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Changeset($id: ID!) {\n    changeset(id: $id) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"): (typeof documents)["\n  query Changeset($id: ID!) {\n    changeset(id: $id) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DecideChanges($changesetId: ID!, $changeIds: [ID!]!, $decision: ChangeDecision!) {\n    decideChanges(changesetId: $changesetId, changeIds: $changeIds, decision: $decision) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"): (typeof documents)["\n  mutation DecideChanges($changesetId: ID!, $changeIds: [ID!]!, $decision: ChangeDecision!) {\n    decideChanges(changesetId: $changesetId, changeIds: $changeIds, decision: $decision) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveCleanChanges($changesetId: ID!) {\n    approveCleanChanges(changesetId: $changesetId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"): (typeof documents)["\n  mutation ApproveCleanChanges($changesetId: ID!) {\n    approveCleanChanges(changesetId: $changesetId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApplyChangeset($changesetId: ID!) {\n    applyChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n"): (typeof documents)["\n  mutation ApplyChangeset($changesetId: ID!) {\n    applyChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackChangeset($changesetId: ID!) {\n    rollbackChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n"): (typeof documents)["\n  mutation RollbackChangeset($changesetId: ID!) {\n    rollbackChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ChangesetUpdated($listId: ID!) {\n    changesetUpdated(listId: $listId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"): (typeof documents)["\n  subscription ChangesetUpdated($listId: ID!) {\n    changesetUpdated(listId: $listId) { ...ChangesetSummary changes { ...ChangeParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncReviewPolicy($id: ID!) {\n    masterList(id: $id) { id reviewSyncChanges autoApprove }\n  }\n"): (typeof documents)["\n  query SyncReviewPolicy($id: ID!) {\n    masterList(id: $id) { id reviewSyncChanges autoApprove }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSyncReviewPolicy($listId: ID!, $review: Boolean!, $autoApprove: [AutoApproveKind!]!) {\n    setSyncReviewPolicy(listId: $listId, reviewSyncChanges: $review, autoApprove: $autoApprove) { id reviewSyncChanges autoApprove }\n  }\n"): (typeof documents)["\n  mutation SetSyncReviewPolicy($listId: ID!, $review: Boolean!, $autoApprove: [AutoApproveKind!]!) {\n    setSyncReviewPolicy(listId: $listId, reviewSyncChanges: $review, autoApprove: $autoApprove) { id reviewSyncChanges autoApprove }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EntraConnectionParts on EntraConnection {\n    id name tenantId cloud lastTestOk lastTestMessage lastTestedAt secretExpiresAt\n  }\n"): (typeof documents)["\n  fragment EntraConnectionParts on EntraConnection {\n    id name tenantId cloud lastTestOk lastTestMessage lastTestedAt secretExpiresAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListSync($listId: ID!) {\n    listSync(listId: $listId) {\n      listId provider intervalMinutes nextRunAt deactivationLimitPercent deactivationLimitCount\n      connection { ...EntraConnectionParts }\n      scope { kind groupId groupName enabledOnly }\n      mappings { sourceAttribute transform field { ...FieldParts } }\n      lastRun { id status mode trigger reason createdAt finishedAt counts { seen created updated deactivated reactivated errors } }\n    }\n  }\n"): (typeof documents)["\n  query ListSync($listId: ID!) {\n    listSync(listId: $listId) {\n      listId provider intervalMinutes nextRunAt deactivationLimitPercent deactivationLimitCount\n      connection { ...EntraConnectionParts }\n      scope { kind groupId groupName enabledOnly }\n      mappings { sourceAttribute transform field { ...FieldParts } }\n      lastRun { id status mode trigger reason createdAt finishedAt counts { seen created updated deactivated reactivated errors } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntraConnections {\n    entraConnections { ...EntraConnectionParts }\n  }\n"): (typeof documents)["\n  query EntraConnections {\n    entraConnections { ...EntraConnectionParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntraGroups($connectionId: ID!, $search: String) {\n    entraGroups(connectionId: $connectionId, search: $search) { id displayName description memberCount }\n  }\n"): (typeof documents)["\n  query EntraGroups($connectionId: ID!, $search: String) {\n    entraGroups(connectionId: $connectionId, search: $search) { id displayName description memberCount }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntraSourceFields($connectionId: ID!, $listId: ID!, $groupId: ID) {\n    entraSourceFields(connectionId: $connectionId, listId: $listId, groupId: $groupId) {\n      attribute label category samples suggestedFieldKey suggestedType mappedFieldKey\n    }\n  }\n"): (typeof documents)["\n  query EntraSourceFields($connectionId: ID!, $listId: ID!, $groupId: ID) {\n    entraSourceFields(connectionId: $connectionId, listId: $listId, groupId: $groupId) {\n      attribute label category samples suggestedFieldKey suggestedType mappedFieldKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfigureEntraSync($input: ConfigureEntraSyncInput!) {\n    configureEntraSync(input: $input) { listId provider }\n  }\n"): (typeof documents)["\n  mutation ConfigureEntraSync($input: ConfigureEntraSyncInput!) {\n    configureEntraSync(input: $input) { listId provider }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisconnectSync($listId: ID!) {\n    disconnectSync(listId: $listId) { id syncProvider fields { ...FieldParts } }\n  }\n"): (typeof documents)["\n  mutation DisconnectSync($listId: ID!) {\n    disconnectSync(listId: $listId) { id syncProvider fields { ...FieldParts } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScimConnection($listId: ID!) {\n    scimConnection(listId: $listId) {\n      listId connected uniqueIdentifier baseUrl\n      mappings { sourceAttribute transform field { ...FieldParts } }\n    }\n    scimTokens(listId: $listId) { id prefix createdBy createdAt lastUsedAt revokedAt }\n  }\n"): (typeof documents)["\n  query ScimConnection($listId: ID!) {\n    scimConnection(listId: $listId) {\n      listId connected uniqueIdentifier baseUrl\n      mappings { sourceAttribute transform field { ...FieldParts } }\n    }\n    scimTokens(listId: $listId) { id prefix createdBy createdAt lastUsedAt revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ScimAttributes {\n    scimAttributes { attribute label category type }\n  }\n"): (typeof documents)["\n  query ScimAttributes {\n    scimAttributes { attribute label category type }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectScim($listId: ID!, $uniqueIdentifier: ScimUniqueIdentifier!) {\n    connectScim(listId: $listId, uniqueIdentifier: $uniqueIdentifier) { listId connected uniqueIdentifier baseUrl }\n  }\n"): (typeof documents)["\n  mutation ConnectScim($listId: ID!, $uniqueIdentifier: ScimUniqueIdentifier!) {\n    connectScim(listId: $listId, uniqueIdentifier: $uniqueIdentifier) { listId connected uniqueIdentifier baseUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetScimMappings($listId: ID!, $mappings: [ScimMappingInput!]!) {\n    setScimMappings(listId: $listId, mappings: $mappings) { listId mappings { sourceAttribute transform field { ...FieldParts } } }\n  }\n"): (typeof documents)["\n  mutation SetScimMappings($listId: ID!, $mappings: [ScimMappingInput!]!) {\n    setScimMappings(listId: $listId, mappings: $mappings) { listId mappings { sourceAttribute transform field { ...FieldParts } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateScimToken($listId: ID!) {\n    generateScimToken(listId: $listId) { token baseUrl scimToken { id prefix createdBy createdAt lastUsedAt revokedAt } }\n  }\n"): (typeof documents)["\n  mutation GenerateScimToken($listId: ID!) {\n    generateScimToken(listId: $listId) { token baseUrl scimToken { id prefix createdBy createdAt lastUsedAt revokedAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeScimToken($id: ID!) {\n    revokeScimToken(id: $id) { id revokedAt }\n  }\n"): (typeof documents)["\n  mutation RevokeScimToken($id: ID!) {\n    revokeScimToken(id: $id) { id revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProvisioningLog($listId: ID!, $errorsOnly: Boolean) {\n    provisioningLog(listId: $listId, errorsOnly: $errorsOnly, first: 25) {\n      edges { ...ProvisioningEntryParts }\n    }\n  }\n"): (typeof documents)["\n  query ProvisioningLog($listId: ID!, $errorsOnly: Boolean) {\n    provisioningLog(listId: $listId, errorsOnly: $errorsOnly, first: 25) {\n      edges { ...ProvisioningEntryParts }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProvisioningEntryParts on ProvisioningLogEntry {\n    id operation personId method path status idp durationMs at detail\n  }\n"): (typeof documents)["\n  fragment ProvisioningEntryParts on ProvisioningLogEntry {\n    id operation personId method path status idp durationMs at detail\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProvisioningLogged($listId: ID!) {\n    provisioningLogged(listId: $listId) { ...ProvisioningEntryParts }\n  }\n"): (typeof documents)["\n  subscription ProvisioningLogged($listId: ID!) {\n    provisioningLogged(listId: $listId) { ...ProvisioningEntryParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SyncRunParts on SyncRun {\n    id listId source status mode readInFull trigger attempt phase reason startedBy createdAt startedAt finishedAt\n    counts { seen created updated deactivated reactivated unchanged photos errors }\n  }\n"): (typeof documents)["\n  fragment SyncRunParts on SyncRun {\n    id listId source status mode readInFull trigger attempt phase reason startedBy createdAt startedAt finishedAt\n    counts { seen created updated deactivated reactivated unchanged photos errors }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncRuns($listId: ID!, $first: Int!) {\n    syncRuns(listId: $listId, first: $first) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  query SyncRuns($listId: ID!, $first: Int!) {\n    syncRuns(listId: $listId, first: $first) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncRunErrors($id: ID!) {\n    syncRun(id: $id) { id errors { anchor reason } }\n  }\n"): (typeof documents)["\n  query SyncRunErrors($id: ID!) {\n    syncRun(id: $id) { id errors { anchor reason } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PlannedChangeParts on PlannedChange {\n    uid personId reason values changes { field before after }\n  }\n"): (typeof documents)["\n  fragment PlannedChangeParts on PlannedChange {\n    uid personId reason values changes { field before after }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SyncRunPreview($id: ID!, $first: Int!) {\n    syncRun(id: $id) {\n      id\n      preview(first: $first) {\n        creates { ...PlannedChangeParts }\n        updates { ...PlannedChangeParts }\n        deactivations { ...PlannedChangeParts }\n        reactivations { ...PlannedChangeParts }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SyncRunPreview($id: ID!, $first: Int!) {\n    syncRun(id: $id) {\n      id\n      preview(first: $first) {\n        creates { ...PlannedChangeParts }\n        updates { ...PlannedChangeParts }\n        deactivations { ...PlannedChangeParts }\n        reactivations { ...PlannedChangeParts }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SyncRunProgress($runId: ID!) {\n    syncRunProgress(runId: $runId) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  subscription SyncRunProgress($runId: ID!) {\n    syncRunProgress(runId: $runId) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SyncNow($listId: ID!, $mode: SyncRunMode!) {\n    syncNow(listId: $listId, mode: $mode) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  mutation SyncNow($listId: ID!, $mode: SyncRunMode!) {\n    syncNow(listId: $listId, mode: $mode) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveSyncRun($id: ID!, $reject: SyncRunRejectionsInput) {\n    approveSyncRun(id: $id, reject: $reject) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  mutation ApproveSyncRun($id: ID!, $reject: SyncRunRejectionsInput) {\n    approveSyncRun(id: $id, reject: $reject) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelSyncRun($id: ID!) {\n    cancelSyncRun(id: $id) { ...SyncRunParts }\n  }\n"): (typeof documents)["\n  mutation CancelSyncRun($id: ID!) {\n    cancelSyncRun(id: $id) { ...SyncRunParts }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens {\n    apiTokens { id name prefix createdAt lastUsedAt revokedAt createdBy { id name email } }\n  }\n"): (typeof documents)["\n  query ApiTokens {\n    apiTokens { id name prefix createdAt lastUsedAt revokedAt createdBy { id name email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($name: String!) {\n    createApiToken(name: $name) { token apiToken { id prefix } }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($name: String!) {\n    createApiToken(name: $name) { token apiToken { id prefix } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { id revokedAt }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) { id revokedAt }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
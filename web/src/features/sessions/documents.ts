import { graphql } from '../../gql';

export const SessionPartsFragment = graphql(`
  fragment SessionParts on Session {
    id listId name peopleCount createdBy createdAt
    filter { status search filters { field operator value } }
  }
`);

export const ChangesetSummaryFragment = graphql(`
  fragment ChangesetSummary on Changeset {
    id listId sessionId sessionName status createdBy createdAt appliedBy appliedAt rolledBackBy rolledBackAt
    counts { total clean conflict nothing blocked pending approved rejected keptMaster skipped applied restored rollbackConflicts }
  }
`);

export const SessionsQuery = graphql(`
  query Sessions($listId: ID!) {
    sessions(listId: $listId) { ...SessionParts }
    changesets(listId: $listId, first: 50) { ...ChangesetSummary }
  }
`);

export const CreateSessionMutation = graphql(`
  mutation CreateSession($input: CreateSessionInput!) {
    createSession(input: $input) { ...SessionParts }
  }
`);

export const SessionPhotoPartsFragment = graphql(`
  fragment SessionPhotoParts on SessionPhoto { id personId url status uploadedBy uploadedAt decidedBy }
`);

export const SessionPersonPartsFragment = graphql(`
  fragment SessionPersonParts on SessionPerson {
    personId sessionId uid base values updatedAt
    photos { ...SessionPhotoParts }
  }
`);

export const SessionQuery = graphql(`
  query Session($id: ID!, $search: String, $after: String) {
    session(id: $id) {
      ...SessionParts
      people(first: 100, search: $search, after: $after) { hasNextPage people { ...SessionPersonParts } }
    }
  }
`);

export const UpdateSessionPersonMutation = graphql(`
  mutation UpdateSessionPerson($sessionId: ID!, $personId: ID!, $values: JSONObject!) {
    updateSessionPerson(sessionId: $sessionId, personId: $personId, values: $values) { ...SessionPersonParts }
  }
`);

export const UploadSessionPhotoMutation = graphql(`
  mutation UploadSessionPhoto($sessionId: ID!, $personId: ID!, $dataUrl: String!) {
    uploadSessionPhoto(sessionId: $sessionId, personId: $personId, dataUrl: $dataUrl) { ...SessionPhotoParts }
  }
`);

export const DecideSessionPhotoMutation = graphql(`
  mutation DecideSessionPhoto($photoId: ID!, $approve: Boolean!) {
    decideSessionPhoto(photoId: $photoId, approve: $approve) { ...SessionPhotoParts }
  }
`);

export const SaveSessionToListMutation = graphql(`
  mutation SaveSessionToList($sessionId: ID!) {
    saveSessionToList(sessionId: $sessionId) { ...ChangesetSummary }
  }
`);

export const ChangePartsFragment = graphql(`
  fragment ChangeParts on Change {
    id personId uid field base session master kind blockedReason photoId decision decidedBy decidedAt returnedAt outcome appliedBefore
  }
`);

export const ChangesetQuery = graphql(`
  query Changeset($id: ID!) {
    changeset(id: $id) { ...ChangesetSummary changes { ...ChangeParts } }
  }
`);

export const DecideChangesMutation = graphql(`
  mutation DecideChanges($changesetId: ID!, $changeIds: [ID!]!, $decision: ChangeDecision!) {
    decideChanges(changesetId: $changesetId, changeIds: $changeIds, decision: $decision) { ...ChangesetSummary changes { ...ChangeParts } }
  }
`);

export const ApproveCleanChangesMutation = graphql(`
  mutation ApproveCleanChanges($changesetId: ID!) {
    approveCleanChanges(changesetId: $changesetId) { ...ChangesetSummary changes { ...ChangeParts } }
  }
`);

export const ApplyChangesetMutation = graphql(`
  mutation ApplyChangeset($changesetId: ID!) {
    applyChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }
  }
`);

export const RollbackChangesetMutation = graphql(`
  mutation RollbackChangeset($changesetId: ID!) {
    rollbackChangeset(changesetId: $changesetId) { written returnedToReview conflicts changeset { ...ChangesetSummary changes { ...ChangeParts } } }
  }
`);

export const ChangesetUpdatedSubscription = graphql(`
  subscription ChangesetUpdated($listId: ID!) {
    changesetUpdated(listId: $listId) { ...ChangesetSummary changes { ...ChangeParts } }
  }
`);

export const SyncReviewPolicyQuery = graphql(`
  query SyncReviewPolicy($id: ID!) {
    masterList(id: $id) { id reviewSyncChanges autoApprove }
  }
`);

export const SetSyncReviewPolicyMutation = graphql(`
  mutation SetSyncReviewPolicy($listId: ID!, $review: Boolean!, $autoApprove: [AutoApproveKind!]!) {
    setSyncReviewPolicy(listId: $listId, reviewSyncChanges: $review, autoApprove: $autoApprove) { id reviewSyncChanges autoApprove }
  }
`);

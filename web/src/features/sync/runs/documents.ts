import { graphql } from '../../../gql';

// Every query of a run asks for the same counts, so the cached run never loses one.
export const SyncRunPartsFragment = graphql(`
  fragment SyncRunParts on SyncRun {
    id listId source status mode readInFull trigger attempt phase reason startedBy createdAt startedAt finishedAt
    counts { seen created updated deactivated reactivated unchanged photos errors }
  }
`);

export const SyncRunsQuery = graphql(`
  query SyncRuns($listId: ID!, $first: Int!) {
    syncRuns(listId: $listId, first: $first) { ...SyncRunParts }
  }
`);

/** Per-record errors of one run, read when its history row is opened. */
export const SyncRunErrorsQuery = graphql(`
  query SyncRunErrors($id: ID!) {
    syncRun(id: $id) { id errors { anchor reason } }
  }
`);

export const PlannedChangePartsFragment = graphql(`
  fragment PlannedChangeParts on PlannedChange {
    uid personId reason values changes { field before after }
  }
`);

/** The kept plan of a halted or dry run: the first changes of each kind. */
export const SyncRunPreviewQuery = graphql(`
  query SyncRunPreview($id: ID!, $first: Int!) {
    syncRun(id: $id) {
      id
      preview(first: $first) {
        creates { ...PlannedChangeParts }
        updates { ...PlannedChangeParts }
        deactivations { ...PlannedChangeParts }
        reactivations { ...PlannedChangeParts }
      }
    }
  }
`);

export const SyncRunProgressSubscription = graphql(`
  subscription SyncRunProgress($runId: ID!) {
    syncRunProgress(runId: $runId) { ...SyncRunParts }
  }
`);

export const SyncNowMutation = graphql(`
  mutation SyncNow($listId: ID!, $mode: SyncRunMode!) {
    syncNow(listId: $listId, mode: $mode) { ...SyncRunParts }
  }
`);

export const ApproveSyncRunMutation = graphql(`
  mutation ApproveSyncRun($id: ID!, $reject: SyncRunRejectionsInput) {
    approveSyncRun(id: $id, reject: $reject) { ...SyncRunParts }
  }
`);

export const CancelSyncRunMutation = graphql(`
  mutation CancelSyncRun($id: ID!) {
    cancelSyncRun(id: $id) { ...SyncRunParts }
  }
`);

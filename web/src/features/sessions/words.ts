import type { ChangeDecision, ChangeKind, ChangesetStatus } from '../../gql/graphql';

// The review vocabulary, in one place for every screen that shows changesets.

export const CHANGESET_STATUS: Record<ChangesetStatus, { label: string; tone: string }> = {
  REVIEW: { label: 'In review', tone: 'warn' },
  APPLIED: { label: 'Applied', tone: 'ok' },
  ROLLED_BACK: { label: 'Rolled back', tone: 'off' },
  SUPERSEDED: { label: 'Superseded', tone: 'off' },
};

export const CHANGE_KIND: Record<ChangeKind, { label: string; tone: string; hint: string }> = {
  CLEAN: { label: 'Clean', tone: 'ok', hint: 'The list still holds the snapshot value.' },
  CONFLICT: { label: 'Conflict', tone: 'bad', hint: 'The list changed since the snapshot.' },
  NOTHING: { label: 'Nothing to do', tone: 'off', hint: 'The list already holds the session value.' },
  BLOCKED: { label: 'Blocked', tone: 'warn', hint: 'Managed by the directory sync.' },
};

export const DECISION: Record<ChangeDecision, string> = {
  PENDING: 'Undecided',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  KEEP_MASTER: 'Keep list value',
  SKIPPED: 'Skipped',
};

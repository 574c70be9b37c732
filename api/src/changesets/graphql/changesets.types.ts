import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars.js';
import type { ChangeKind, Decision } from '../classify.js';
import type { ChangeOutcome, ChangesetStatus } from '../changesets.service.js';

export enum ChangesetStatusEnum {
  REVIEW = 'REVIEW',
  APPLIED = 'APPLIED',
  ROLLED_BACK = 'ROLLED_BACK',
  SUPERSEDED = 'SUPERSEDED',
}
registerEnumType(ChangesetStatusEnum, {
  name: 'ChangesetStatus',
  description: 'Where a changeset is in its life.',
  valuesConfig: {
    REVIEW: { description: 'Awaiting decisions and apply.' },
    APPLIED: { description: 'Its approved changes were written to the list.' },
    ROLLED_BACK: { description: 'Applied, then the values it replaced were restored (except conflicts).' },
    SUPERSEDED: { description: 'The session was saved again before this was applied; the newer changeset replaces it.' },
  },
});

export enum ChangeKindEnum {
  CLEAN = 'CLEAN',
  CONFLICT = 'CONFLICT',
  NOTHING = 'NOTHING',
  BLOCKED = 'BLOCKED',
}
registerEnumType(ChangeKindEnum, {
  name: 'ChangeKind',
  description: 'How a session value compares with the snapshot (base) and the list now (master).',
  valuesConfig: {
    CLEAN: { description: 'The list still holds the snapshot value: the session value can go back.' },
    CONFLICT: { description: 'The list changed since the snapshot to another value: choose the session value, keep the list value, or skip.' },
    NOTHING: { description: 'The list already holds the session value.' },
    BLOCKED: { description: 'The field is managed by the list\'s directory sync (see blockedReason). Photos are never blocked.' },
  },
});

export enum ChangeDecisionEnum {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  KEEP_MASTER = 'KEEP_MASTER',
  SKIPPED = 'SKIPPED',
}
registerEnumType(ChangeDecisionEnum, {
  name: 'ChangeDecision',
  description: 'A reviewer\'s decision on a change.',
  valuesConfig: {
    PENDING: { description: 'Not decided yet (or back in review because the list changed after review).' },
    APPROVED: { description: 'Write the session value (for a conflict: use the session value).' },
    REJECTED: { description: 'Do not write this clean change.' },
    KEEP_MASTER: { description: 'Conflict resolved by keeping the list value.' },
    SKIPPED: { description: 'Conflict left out of this changeset.' },
  },
});

export enum ChangeOutcomeEnum {
  APPLIED = 'APPLIED',
  RESTORED = 'RESTORED',
  ROLLBACK_CONFLICT = 'ROLLBACK_CONFLICT',
}
registerEnumType(ChangeOutcomeEnum, {
  name: 'ChangeOutcome',
  description: 'What happened to a change on the list.',
  valuesConfig: {
    APPLIED: { description: 'Written to the list.' },
    RESTORED: { description: 'Written, then rolled back to the value it replaced.' },
    ROLLBACK_CONFLICT: { description: 'Written; not rolled back because the field changed again since (left as it is).' },
  },
});

@ObjectType('Change', { description: "One person's field in a changeset, with the three values side by side." })
export class ChangeType {
  @Field(() => ID, { description: 'Change id.' }) id!: string;
  @Field(() => ID, { description: 'The person on the list.' }) personId!: string;
  @Field(() => String, { description: "The person's UID." }) uid!: string;
  @Field(() => String, { description: 'Field key.' }) field!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Value in the snapshot (null: none).' }) base!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Value in the session.' }) session!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Value on the list when classified (updated when the change returns to review).' }) master!: unknown;
  @Field(() => ChangeKindEnum, { description: 'Clean, conflict, nothing or blocked.' }) kind!: ChangeKind;
  @Field(() => String, { nullable: true, description: 'Why a blocked change cannot go back, and how to fix it.' }) blockedReason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The session photo, when this is an approved photo.' }) photoId!: string | null;
  @Field(() => ChangeDecisionEnum, { description: 'The decision.' }) decision!: Decision;
  @Field(() => String, { nullable: true, description: 'Who decided.' }) decidedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When.' }) decidedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it came back to review because the list changed after review.' }) returnedAt!: Date | null;
  @Field(() => ChangeOutcomeEnum, { nullable: true, description: 'What happened on the list, once applied.' }) outcome!: ChangeOutcome | null;
  @Field(() => JSONScalar, { nullable: true, description: 'The list value the apply replaced (what a rollback restores).' }) appliedBefore!: unknown;
}

@ObjectType('ChangesetCounts', { description: 'How many changes of each kind, decision and outcome.' })
export class ChangesetCountsType {
  @Field(() => Int, { description: 'All changes.' }) total!: number;
  @Field(() => Int, { description: 'Clean.' }) clean!: number;
  @Field(() => Int, { description: 'Conflicts.' }) conflict!: number;
  @Field(() => Int, { description: 'Nothing to do.' }) nothing!: number;
  @Field(() => Int, { description: 'Blocked by a directory sync.' }) blocked!: number;
  @Field(() => Int, { description: 'Clean and conflicting changes not decided yet.' }) pending!: number;
  @Field(() => Int, { description: 'Approved.' }) approved!: number;
  @Field(() => Int, { description: 'Rejected.' }) rejected!: number;
  @Field(() => Int, { description: 'Conflicts resolved by keeping the list value.' }) keptMaster!: number;
  @Field(() => Int, { description: 'Conflicts skipped.' }) skipped!: number;
  @Field(() => Int, { description: 'Written to the list.' }) applied!: number;
  @Field(() => Int, { description: 'Restored by a rollback.' }) restored!: number;
  @Field(() => Int, { description: 'Not restored by a rollback because the field changed again.' }) rollbackConflicts!: number;
}

@ObjectType('Changeset', { description: 'What saving a session to its list changes, reviewed change by change, applied in one transaction, and reversible.' })
export class ChangesetType {
  @Field(() => ID, { description: 'Changeset id.' }) id!: string;
  @Field(() => ID, { description: 'The master list.' }) listId!: string;
  @Field(() => ID, { nullable: true, description: 'The session it was saved from.' }) sessionId!: string | null;
  @Field(() => String, { nullable: true, description: "The session's name." }) sessionName!: string | null;
  @Field(() => ChangesetStatusEnum, { description: 'Review, applied, rolled back or superseded.' }) status!: ChangesetStatus;
  @Field(() => String, { description: 'Who saved the session.' }) createdBy!: string;
  @Field(() => DateTimeScalar, { description: 'When.' }) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Who applied it.' }) appliedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was applied.' }) appliedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Who rolled it back.' }) rolledBackBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was rolled back.' }) rolledBackAt!: Date | null;
}

@ObjectType('ChangesetWriteResult', { description: 'What apply or rollback did.' })
export class ChangesetWriteResultType {
  @Field(() => ChangesetType, { description: 'The changeset now.' }) changeset!: ChangesetType;
  @Field(() => Int, { description: 'Fields written (apply) or restored (rollback).' }) written!: number;
  @Field(() => Int, { description: 'Apply: approved changes sent back to review because the list changed after review; nothing was written then.' })
  returnedToReview!: number;
  @Field(() => Int, { description: 'Rollback: fields changed again since the apply, left as they are.' }) conflicts!: number;
}

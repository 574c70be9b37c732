import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.js';
import { FieldChangeType } from '../../audit/graphql/audit.types.js';
import type { RunMode, RunStatus } from '../engine/runner.js';

export enum SyncRunStatusEnum {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  HALTED = 'HALTED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SyncRunStatusEnum, {
  name: 'SyncRunStatus',
  description: 'Where a sync run is in its life.',
  valuesConfig: {
    QUEUED: { description: 'Waiting to start.' },
    RUNNING: { description: 'Reading, planning or applying.' },
    SUCCEEDED: { description: 'Finished; per-record errors may still be listed.' },
    FAILED: { description: 'Stopped by an error; nothing from the failed step was written. See reason.' },
    HALTED: { description: 'Stopped before writing because of a safety limit; its plan awaits approval. See reason.' },
    CANCELLED: { description: 'Cancelled by an administrator.' },
  },
});

export enum SyncRunModeEnum {
  FULL = 'FULL',
  DELTA = 'DELTA',
  DRY_RUN = 'DRY_RUN',
}
registerEnumType(SyncRunModeEnum, {
  name: 'SyncRunMode',
  description: 'What a run reads and whether it writes.',
  valuesConfig: {
    FULL: { description: 'Reads the whole scope; people missing from it are deactivated.' },
    DELTA: { description: 'Reads only changes since the last run.' },
    DRY_RUN: { description: 'Reads and plans the whole scope, writes nothing.' },
  },
});

export enum SyncRunTriggerEnum {
  MANUAL = 'MANUAL',
  SCHEDULE = 'SCHEDULE',
  RETRY = 'RETRY',
}
registerEnumType(SyncRunTriggerEnum, {
  name: 'SyncRunTrigger',
  description: 'What started a run.',
  valuesConfig: { MANUAL: { description: 'An administrator or script.' }, SCHEDULE: { description: "The list's schedule." }, RETRY: { description: 'A retry of a failed run.' } },
});

@ObjectType('SyncRunCounts', { description: 'What a run saw and did (for a dry run or a halt: what it would do).' })
export class SyncRunCountsType {
  @Field(() => Int, { description: 'Records read from the source. Removals a delta run is told of are not records: they show in deactivated.' }) seen!: number;
  @Field(() => Int, { description: 'People created.' }) created!: number;
  @Field(() => Int, { description: 'People whose values changed.' }) updated!: number;
  @Field(() => Int, { description: 'People deactivated.' }) deactivated!: number;
  @Field(() => Int, { description: 'People reactivated.' }) reactivated!: number;
  @Field(() => Int, { description: 'People already up to date.' }) unchanged!: number;
  @Field(() => Int, { description: 'Records that could not be synced (see errors).' }) errors!: number;
  @Field(() => Int, { description: 'Profile photos imported or changed (sources with photos; a photo set in Rollcall is never overwritten).' }) photos!: number;
}

@ObjectType('SyncRunError', { description: 'A source record that could not be synced, and why.' })
export class SyncRunErrorType {
  @Field(() => String, { description: 'How the source identifies the record (e.g. the directory object id).' }) anchor!: string;
  @Field(() => String, { description: 'What is wrong, in words an administrator can act on.' }) reason!: string;
}

@ObjectType('SyncRun', { description: 'One run of a source into a master list.' })
export class SyncRunType {
  @Field(() => ID, { description: 'Run id.' }) id!: string;
  @Field(() => ID, { description: 'The master list.' }) listId!: string;
  @Field(() => String, { description: 'The source, e.g. entra, scim, csv.' }) source!: string;
  @Field(() => SyncRunTriggerEnum, { description: 'What started the run.' }) trigger!: 'MANUAL' | 'SCHEDULE' | 'RETRY';
  @Field(() => SyncRunModeEnum, { description: 'Full, delta or dry run, as asked for.' }) mode!: RunMode;
  @Field(() => Boolean, { description: 'True when a delta was asked for but the source was read in full: the list\'s first run, or the directory no longer held the delta state (the reason says which).' }) readInFull!: boolean;
  @Field(() => SyncRunStatusEnum, { description: 'Current status.' }) status!: RunStatus;
  @Field(() => String, { description: 'Current phase: READING, PLANNING, APPLYING or DONE.' }) phase!: string;
  @Field(() => SyncRunCountsType, { description: 'Counts so far.' }) counts!: SyncRunCountsType;
  @Field(() => [SyncRunErrorType], { description: 'Per-record errors (the first 200).' }) errors!: SyncRunErrorType[];
  @Field(() => String, { nullable: true, description: 'Why the run failed, halted, or wrote nothing.' }) reason!: string | null;
  @Field(() => String, { nullable: true, description: 'Who started the run.' }) startedBy!: string | null;
  @Field(() => Int, { description: 'Which automatic retry this run is: 0 for a run started by a person or the schedule, 1 for the first retry, and so on.' }) attempt!: number;
  @Field(() => DateTimeScalar, { description: 'When the run was requested.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it started.' }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it finished.' }) finishedAt!: Date | null;
}

@ObjectType('PlannedChange', { description: 'One change a run would make (or made), for review.' })
export class PlannedChangeType {
  @Field(() => String, { description: 'UID of the person.' }) uid!: string;
  @Field(() => ID, { nullable: true, description: 'The person, when they already exist.' }) personId!: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Values of a person to be created; for a status change, the person\'s current values.' }) values!: Record<string, unknown> | null;
  @Field(() => [FieldChangeType], { description: 'Field-level before and after of an update.' }) changes!: FieldChangeType[];
  @Field(() => String, { nullable: true, description: 'Why a status changes: removed_from_scope, disabled_at_source or back_in_scope.' }) reason!: string | null;
}

@ObjectType('SyncRunPreview', { description: 'The first planned changes of each kind of a halted or dry run.' })
export class SyncRunPreviewType {
  @Field(() => [PlannedChangeType], { description: 'People to create.' }) creates!: PlannedChangeType[];
  @Field(() => [PlannedChangeType], { description: 'People whose values change.' }) updates!: PlannedChangeType[];
  @Field(() => [PlannedChangeType], { description: 'People to deactivate.' }) deactivations!: PlannedChangeType[];
  @Field(() => [PlannedChangeType], { description: 'People to reactivate.' }) reactivations!: PlannedChangeType[];
}

export enum AutoApproveKindEnum {
  CREATES = 'CREATES',
  UPDATES = 'UPDATES',
  REACTIVATIONS = 'REACTIVATIONS',
  DEACTIVATIONS = 'DEACTIVATIONS',
}
registerEnumType(AutoApproveKindEnum, {
  name: 'AutoApproveKind',
  description: 'A kind of planned change: what a list that reviews directory changes applies without review, and what an administrator may reject of a held run.',
  valuesConfig: {
    CREATES: { description: 'New people.' },
    UPDATES: { description: 'Changed field values.' },
    REACTIVATIONS: { description: 'People active again.' },
    DEACTIVATIONS: { description: 'People made inactive.' },
  },
});

@InputType('SyncRunChangeRefInput', { description: 'One planned change of a held run, by its kind and the UID of the person it concerns.' })
export class SyncRunChangeRefInput {
  @Field(() => AutoApproveKindEnum, { description: 'The kind of change.' })
  kind!: AutoApproveKindEnum;

  @Field(() => String, { description: "The person's UID, as the run's preview shows it." })
  uid!: string;
}

@InputType('SyncRunRejectionsInput', { description: 'What an administrator rejects of a held run when approving the rest: rejected changes are not written, and their people stay as they are.' })
export class SyncRunRejectionsInput {
  @Field(() => [AutoApproveKindEnum], { defaultValue: [], description: 'Whole kinds of change rejected, e.g. [DEACTIVATIONS] to apply everything but the deactivations.' })
  kinds!: AutoApproveKindEnum[];

  @Field(() => [SyncRunChangeRefInput], { defaultValue: [], description: 'Single changes rejected (at most 10,000).' })
  changes!: SyncRunChangeRefInput[];
}

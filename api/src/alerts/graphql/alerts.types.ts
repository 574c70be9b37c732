import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.js';
import type { AlertKind, AlertSeverity } from '../alerts.service.js';

export enum AlertKindEnum {
  SYNC_RUN_FAILED = 'SYNC_RUN_FAILED',
  SYNC_RUN_HALTED = 'SYNC_RUN_HALTED',
  CREDENTIALS_FAILED = 'CREDENTIALS_FAILED',
  SECRET_EXPIRES_SOON = 'SECRET_EXPIRES_SOON',
  SECRET_EXPIRED = 'SECRET_EXPIRED',
}
registerEnumType(AlertKindEnum, {
  name: 'AlertKind',
  description: 'What an alert is about.',
  valuesConfig: {
    SYNC_RUN_FAILED: { description: "A list's latest sync run failed (cleared by a later successful run)." },
    SYNC_RUN_HALTED: { description: "A list's latest sync run is held for review (over the deactivation limit, or the list reviews sync changes)." },
    CREDENTIALS_FAILED: { description: "An Entra connection's credentials or permissions stopped working (cleared by a working run or test, or new credentials)." },
    SECRET_EXPIRES_SOON: { description: "An Entra connection's client secret expires within 30 days." },
    SECRET_EXPIRED: { description: "An Entra connection's client secret has expired." },
  },
});

export enum AlertSeverityEnum {
  WARNING = 'WARNING',
  ERROR = 'ERROR',
}
registerEnumType(AlertSeverityEnum, {
  name: 'AlertSeverity',
  description: 'How urgent an alert is.',
  valuesConfig: {
    WARNING: { description: 'Needs attention soon: nothing has stopped yet, or a run waits for a decision.' },
    ERROR: { description: 'Something has stopped working.' },
  },
});

@ObjectType('Alert', { description: 'Something an administrator should act on, with links to the run, list or connection concerned.' })
export class AlertType {
  @Field(() => ID, { description: 'Names the occurrence: a new occurrence of the same trouble is a new alert.' }) id!: string;
  @Field(() => AlertKindEnum, { description: 'What the alert is about.' }) kind!: AlertKind;
  @Field(() => AlertSeverityEnum, { description: 'How urgent it is.' }) severity!: AlertSeverity;
  @Field(() => String, { description: 'One line saying what is wrong.' }) title!: string;
  @Field(() => String, { description: 'What happened and what to do about it.' }) message!: string;
  @Field(() => DateTimeScalar, { description: 'When the trouble began (the run ended, the first failure, the warning period began).' }) raisedAt!: Date;
  @Field(() => ID, { nullable: true, description: 'The list concerned (run alerts).' }) listId!: string | null;
  @Field(() => String, { nullable: true, description: "The list's name." }) listName!: string | null;
  @Field(() => ID, { nullable: true, description: 'The sync run concerned (run alerts).' }) runId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The Entra connection concerned (credential and secret alerts).' }) connectionId!: string | null;
  @Field(() => String, { nullable: true, description: "The connection's name." }) connectionName!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When an administrator dismissed it; null while it shows.' }) dismissedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Who dismissed it.' }) dismissedBy!: string | null;
}

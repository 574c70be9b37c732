import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.js';
import { FieldFilterInput, PersonStatusFilterEnum } from '../../people/graphql/people.types.js';
import type { PhotoStatus } from '../sessions.service.js';

export enum SessionPhotoStatusEnum {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(SessionPhotoStatusEnum, {
  name: 'SessionPhotoStatus',
  description: 'Where an uploaded photo is in its review.',
  valuesConfig: {
    PENDING: { description: 'Uploaded, not yet approved or rejected.' },
    APPROVED: { description: "Approved: the session value of the person's photo field." },
    REJECTED: { description: 'Rejected: kept, but not used.' },
  },
});

@ObjectType('SessionFilterSpec', { description: 'Which people a session took from its list.' })
export class SessionFilterType {
  @Field(() => PersonStatusFilterEnum, { description: 'Status filter.' }) status!: PersonStatusFilterEnum;
  @Field(() => String, { nullable: true, description: 'Search text, if any.' }) search!: string | null;
  @Field(() => [SessionFieldFilterType], { description: 'Field conditions; all held.' }) filters!: SessionFieldFilterType[];
}

@ObjectType('SessionFieldFilter', { description: 'A field condition a session was created with.' })
export class SessionFieldFilterType {
  @Field(() => String, { description: 'Field key, or uid.' }) field!: string;
  @Field(() => String, { description: 'Comparison (a FieldFilterOperator).' }) operator!: string;
  @Field(() => String, { nullable: true, description: 'Value compared with.' }) value!: string | null;
}

@ObjectType('Session', { description: 'A snapshot of people of a list (a photo day, an ID-card run) edited apart from the list, then saved back as a reviewed changeset.' })
export class SessionType {
  @Field(() => ID, { description: 'Session id.' }) id!: string;
  @Field(() => ID, { description: 'The master list it was taken from.' }) listId!: string;
  @Field(() => String, { description: 'Name, e.g. "Photo day 2026".' }) name!: string;
  @Field(() => SessionFilterType, { description: 'Which people it took.' }) filter!: SessionFilterType;
  @Field(() => Int, { description: 'How many people the snapshot holds.' }) peopleCount!: number;
  @Field(() => String, { description: 'Who created it.' }) createdBy!: string;
  @Field(() => DateTimeScalar, { description: 'When the snapshot was taken.' }) createdAt!: Date;
}

@ObjectType('SessionPhoto', { description: 'A photo uploaded for a person in a session.' })
export class SessionPhotoType {
  @Field(() => ID, { description: 'Photo id.' }) id!: string;
  @Field(() => ID, { description: 'The person.' }) personId!: string;
  @Field(() => String, { description: 'Where Rollcall serves it (signed-in members only).' }) url!: string;
  @Field(() => SessionPhotoStatusEnum, { description: 'Pending, approved or rejected.' }) status!: PhotoStatus;
  @Field(() => String, { description: 'Who uploaded it.' }) uploadedBy!: string;
  @Field(() => DateTimeScalar, { description: 'When.' }) uploadedAt!: Date;
  @Field(() => String, { nullable: true, description: 'Who approved or rejected it.' }) decidedBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was decided.' }) decidedAt!: Date | null;
}

@ObjectType('SessionPerson', { description: "A person's snapshot and session copy." })
export class SessionPersonType {
  @Field(() => ID, { description: 'The person on the master list.' }) personId!: string;
  @Field(() => ID, { description: 'The session.' }) sessionId!: string;
  @Field(() => String, { description: 'UID when the snapshot was taken.' }) uid!: string;
  @Field(() => JSONObjectScalar, { description: 'Values when the snapshot was taken (the base of the three-way comparison).' }) base!: Record<string, unknown>;
  @Field(() => JSONObjectScalar, { description: "The session's copy of the values, with its edits." }) values!: Record<string, unknown>;
  @Field(() => DateTimeScalar, { description: 'When the copy last changed.' }) updatedAt!: Date;
}

@ObjectType('SessionPersonPage', { description: "A page of a session's people, by UID." })
export class SessionPersonPageType {
  @Field(() => [SessionPersonType], { description: 'The people.' }) people!: SessionPersonType[];
  @Field(() => Boolean, { description: 'Whether more follow (pass the last UID as after).' }) hasNextPage!: boolean;
}

@InputType('CreateSessionInput', { description: 'A new session: a name and which people of the list it takes (as in the people listing).' })
export class CreateSessionInput {
  @Field(() => ID, { description: 'The master list.' }) listId!: string;
  @Field(() => String, { description: 'Name, 1 to 200 characters.' }) name!: string;
  @Field(() => PersonStatusFilterEnum, { nullable: true, defaultValue: PersonStatusFilterEnum.ACTIVE, description: 'Which people by status (active by default).' })
  status?: PersonStatusFilterEnum;
  @Field(() => String, { nullable: true, description: 'Text to find in the UID or any value.' }) search?: string | null;
  @Field(() => [FieldFilterInput], { nullable: true, description: 'Conditions on field values; all must hold.' }) filters?: FieldFilterInput[] | null;
}

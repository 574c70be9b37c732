import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars.js';
import { PageInfoType } from '../../graphql/page-info.js';

export enum ActorTypeEnum {
  MEMBER = 'MEMBER',
  API_TOKEN = 'API_TOKEN',
  SYSTEM = 'SYSTEM',
  SYNC = 'SYNC',
}
registerEnumType(ActorTypeEnum, {
  name: 'ActorType',
  description: 'What kind of actor made a change.',
  valuesConfig: {
    MEMBER: { description: 'An administrator in the SPA or with a session token.' },
    API_TOKEN: { description: 'A script using a personal API token.' },
    SYSTEM: { description: 'Rollcall itself.' },
    SYNC: { description: 'A sync source (directory, SCIM, CSV).' },
  },
});

@ObjectType('Actor', { description: 'Who or what made a change.' })
export class ActorType {
  @Field(() => ActorTypeEnum, { description: 'Kind of actor.' }) type!: ActorTypeEnum;
  @Field(() => String, { nullable: true, description: 'Id of the member, token or sync run.' }) id!: string | null;
  @Field(() => String, { description: 'Readable name, e.g. the email of the member.' }) label!: string;
}

@ObjectType('FieldChange', { description: "One field's value before and after a change." })
export class FieldChangeType {
  @Field(() => String, { description: 'Field key or configuration property.' }) field!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Value before (null when absent).' }) before!: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Value after (null when cleared).' }) after!: unknown;
}

@ObjectType('AuditEntry', { description: 'An immutable record of a change.' })
export class AuditEntryType {
  @Field(() => ID, { description: 'Entry id.' }) id!: string;
  @Field(() => DateTimeScalar, { description: 'When the change was made.' }) at!: Date;
  @Field(() => String, { description: 'What happened, e.g. person.updated, field.added.' }) action!: string;
  @Field(() => String, { description: 'Kind of thing changed: person, master_list, field, member, api_token, organization.' }) entityType!: string;
  @Field(() => ID, { description: 'Id of the thing changed.' }) entityId!: string;
  @Field(() => ID, { nullable: true, description: 'The person concerned, if any.' }) personId!: string | null;
  @Field(() => ID, { nullable: true, description: 'The master list concerned, if any.' }) listId!: string | null;
  @Field(() => [FieldChangeType], { description: 'Field-level before and after values.' }) changes!: FieldChangeType[];
  actorType!: string;
  actorId!: string | null;
  actorLabel!: string;
}

@ObjectType('AuditConnection', { description: 'A page of audit entries, newest first.' })
export class AuditConnectionType {
  @Field(() => [AuditEntryType], { description: 'The entries.' }) edges!: AuditEntryType[];
  @Field(() => PageInfoType, { description: 'Paging.' }) pageInfo!: PageInfoType;
}

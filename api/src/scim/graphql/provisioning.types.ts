import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../../graphql/scalars.js';
import { PageInfoType } from '../../graphql/page-info.js';
import type { ProvisioningOperation } from '../provisioning-log.js';

export enum ProvisioningOperationEnum {
  CREATE = 'create',
  UPDATE = 'update',
  DEACTIVATE = 'deactivate',
  REACTIVATE = 'reactivate',
  READ = 'read',
  ERROR = 'error',
}
registerEnumType(ProvisioningOperationEnum, {
  name: 'ProvisioningOperation',
  description: 'What a SCIM request did.',
  valuesConfig: {
    CREATE: { description: 'Created a person (or a group).' },
    UPDATE: { description: 'Changed a person or a group, or nothing changed.' },
    DEACTIVATE: { description: 'Deactivated a person (active false or DELETE).' },
    REACTIVATE: { description: 'Made a person active again.' },
    READ: { description: 'Read users, groups or the service configuration.' },
    ERROR: { description: 'Failed; see status and detail.' },
  },
});

@ObjectType('ProvisioningLogEntry', { description: 'One SCIM request a list received.' })
export class ProvisioningLogEntryType {
  @Field(() => ID, { description: 'Entry id.' }) id!: string;
  @Field(() => ProvisioningOperationEnum, { description: 'What the request did.' }) operation!: ProvisioningOperation;
  @Field(() => ID, { nullable: true, description: 'The person concerned, if any.' }) personId!: string | null;
  @Field(() => String, { description: 'HTTP method.' }) method!: string;
  @Field(() => String, { description: 'Path below the base URL, with the query.' }) path!: string;
  @Field(() => Int, { description: 'HTTP status answered.' }) status!: number;
  @Field(() => String, { description: 'Identity provider, from the User-Agent (Okta, Microsoft Entra ID, OneLogin, JumpCloud, PingOne, SCIM client).' }) idp!: string;
  @Field(() => Int, { description: 'Time to answer, in milliseconds.' }) durationMs!: number;
  @Field(() => JSONScalar, { nullable: true, description: 'The request body, secrets redacted.' }) requestBody!: unknown;
  @Field(() => String, { nullable: true, description: 'The error detail for failed requests.' }) detail!: string | null;
  @Field(() => DateTimeScalar, { description: 'When it was received.' }) at!: Date;
  listId!: string;
}

@ObjectType('ProvisioningLogConnection', { description: 'A page of the provisioning log, newest first.' })
export class ProvisioningLogConnectionType {
  @Field(() => [ProvisioningLogEntryType], { description: 'The entries.' }) edges!: ProvisioningLogEntryType[];
  @Field(() => PageInfoType, { description: 'Paging.' }) pageInfo!: PageInfoType;
}

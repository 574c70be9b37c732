import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.js';
import { FieldType, FieldTypeEnum } from '../../lists/graphql/lists.types.js';
import type { FieldType as FieldTypeName } from '../../lists/list.entities.js';
import { MappingTransformEnum } from '../../sync/entra/graphql/entra-sync.types.js';
import type { Transform } from '../../sync/engine/mapping.js';
import type { ScimAttributeCategory, ScimUniqueIdentifier } from '../catalogue.js';

export enum ScimUniqueIdentifierEnum {
  EMPLOYEE_NUMBER = 'EMPLOYEE_NUMBER',
  USERNAME = 'USERNAME',
  EMAIL = 'EMAIL',
}
registerEnumType(ScimUniqueIdentifierEnum, {
  name: 'ScimUniqueIdentifier',
  description: 'Which SCIM attribute becomes the visible UID of provisioned people.',
  valuesConfig: {
    EMPLOYEE_NUMBER: { description: 'The enterprise extension employeeNumber (field employee_number): the most stable choice.' },
    USERNAME: { description: 'userName (a Username field is added): changes when people are renamed in some directories.' },
    EMAIL: { description: 'The primary email (field primary_email): changes when addresses change.' },
  },
});

export enum ScimAttributeCategoryEnum {
  NAME = 'NAME',
  CONTACT = 'CONTACT',
  ORGANISATION = 'ORGANISATION',
  ACCOUNT = 'ACCOUNT',
  EXTENSION = 'EXTENSION',
}
registerEnumType(ScimAttributeCategoryEnum, {
  name: 'ScimAttributeCategory',
  description: 'How SCIM attributes are grouped in the mapping editor.',
  valuesConfig: {
    NAME: { description: 'Name parts and display name.' },
    CONTACT: { description: 'Emails, phone numbers and addresses.' },
    ORGANISATION: { description: 'Title, employee number, department and the rest of the enterprise extension.' },
    ACCOUNT: { description: 'userName, externalId and account settings.' },
    EXTENSION: { description: 'Attributes of a custom extension schema.' },
  },
});

@ObjectType('ScimMapping', { description: 'A SCIM attribute mapped onto a list field.' })
export class ScimMappingType {
  @Field(() => String, { description: 'Attribute path, e.g. name.givenName or emails[type eq "work"].value.' }) sourceAttribute!: string;
  @Field(() => MappingTransformEnum, { description: 'Transform applied.' }) transform!: Transform;
  @Field(() => FieldType, { description: 'Target field.' }) field!: FieldType;
}

@ObjectType('ScimConnection', { description: "A list's SCIM provisioning: UID choice, base URL and mappings." })
export class ScimConnectionType {
  @Field(() => ID, { description: 'The list.' }) listId!: string;
  @Field(() => Boolean, { description: 'Whether SCIM is the list’s sync provider.' }) connected!: boolean;
  @Field(() => ScimUniqueIdentifierEnum, { nullable: true, description: 'The UID choice, when connected.' }) uniqueIdentifier!: ScimUniqueIdentifier | null;
  @Field(() => String, { description: 'The SCIM base URL to give the identity provider (Tenant URL, SCIM connector base URL).' }) baseUrl!: string;
  @Field(() => [ScimMappingType], { description: 'Mappings, in field order; empty when not connected.' }) mappings!: ScimMappingType[];
}

@ObjectType('ScimToken', { description: "A bearer token of a list's SCIM service; the secret itself is never shown again." })
export class ScimTokenType {
  @Field(() => ID, { description: 'Token id.' }) id!: string;
  @Field(() => String, { description: 'The first characters (sct_…), to recognise it.' }) prefix!: string;
  @Field(() => String, { description: 'Who generated it.' }) createdBy!: string;
  @Field(() => DateTimeScalar, { description: 'When it was generated.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Last request made with it (to the minute); null if never used.' }) lastUsedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was revoked; null while active.' }) revokedAt!: Date | null;
}

@ObjectType('GeneratedScimToken', { description: 'A new SCIM token: the only time its secret is shown.' })
export class GeneratedScimTokenType {
  @Field(() => String, { description: 'The bearer token (sct_…): copy it now, it is not stored.' }) token!: string;
  @Field(() => String, { description: 'The SCIM base URL to use with it.' }) baseUrl!: string;
  @Field(() => ScimTokenType, { description: 'The token as listed from now on.' }) scimToken!: ScimTokenType;
}

@ObjectType('ScimAttribute', { description: 'A SCIM user attribute the mapping editor offers.' })
export class ScimAttributeType {
  @Field(() => String, { description: 'Attribute path.' }) attribute!: string;
  @Field(() => String, { description: 'Name to show.' }) label!: string;
  @Field(() => ScimAttributeCategoryEnum, { description: 'Group in the editor.' }) category!: ScimAttributeCategory;
  @Field(() => FieldTypeEnum, { description: 'The type a field for it usually has.' }) type!: FieldTypeName;
}

@InputType('ScimMappingInput', { description: 'One mapping of the editor: an attribute onto a field.' })
export class ScimMappingInput {
  @Field(() => String, { description: 'A catalogue attribute or a custom extension attribute (urn:…:name).' }) sourceAttribute!: string;
  @Field(() => String, { description: 'Key of the list field.' }) fieldKey!: string;
  @Field(() => MappingTransformEnum, { nullable: true, description: 'Transform; DIRECT when absent.' }) transform?: Transform | null;
}

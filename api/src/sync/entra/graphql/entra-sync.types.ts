import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../../graphql/scalars.js';
import { FieldType, FieldTypeEnum } from '../../../lists/graphql/lists.types.js';
import type { FieldType as FieldTypeName } from '../../../lists/list.entities.js';
import { SyncRunType } from '../../graphql/sync.types.js';
import { EntraConnectionType, EntraTestProblemEnum } from './entra.types.js';
import type { Transform } from '../../engine/mapping.js';
import type { SourceFieldCategory } from '../catalogue.js';
import type { EntraScopeKind } from '../entra-source.js';

export { EntraTestProblemEnum };

export enum EntraScopeKindEnum {
  ALL_USERS = 'ALL_USERS',
  GROUP = 'GROUP',
}
registerEnumType(EntraScopeKindEnum, {
  name: 'EntraScopeKind',
  description: 'Which users a list holds.',
  valuesConfig: { ALL_USERS: { description: 'Every user of the tenant.' }, GROUP: { description: "One group's members, nested groups included." } },
});

export enum SourceFieldCategoryEnum {
  IDENTITY = 'IDENTITY',
  CONTACT = 'CONTACT',
  ORGANIZATION = 'ORGANIZATION',
  ACCOUNT = 'ACCOUNT',
  ON_PREMISES = 'ON_PREMISES',
  EXTENSION = 'EXTENSION',
  CUSTOM = 'CUSTOM',
}
registerEnumType(SourceFieldCategoryEnum, {
  name: 'SourceFieldCategory',
  description: 'How source fields are grouped in the mapping wizard.',
  valuesConfig: {
    IDENTITY: { description: 'Names and identifiers.' },
    CONTACT: { description: 'Email, phones and address.' },
    ORGANIZATION: { description: 'Job, department, company, office.' },
    ACCOUNT: { description: 'Account state and settings.' },
    ON_PREMISES: { description: 'Synced from on-premises Active Directory, including extensionAttribute1-15.' },
    EXTENSION: { description: 'Directory extensions (extension_<appId>_<name>), returned only when selected.' },
    CUSTOM: { description: 'An attribute named by an administrator.' },
  },
});

export enum MappingTransformEnum {
  DIRECT = 'DIRECT',
  LOWERCASE = 'LOWERCASE',
  UPPERCASE = 'UPPERCASE',
  TRIM = 'TRIM',
}
registerEnumType(MappingTransformEnum, {
  name: 'MappingTransform',
  description: 'How a source value is changed before it is stored.',
  valuesConfig: {
    DIRECT: { description: 'As it is.' },
    LOWERCASE: { description: 'In lower case.' },
    UPPERCASE: { description: 'In upper case.' },
    TRIM: { description: 'Without leading and trailing spaces.' },
  },
});

@ObjectType('EntraConnectionTest', { description: 'The outcome of testing an Entra connection.' })
export class EntraConnectionTestType {
  @Field(() => Boolean, { description: 'Whether a token was issued and users and groups could be read.' }) ok!: boolean;
  @Field(() => EntraTestProblemEnum, { nullable: true, description: 'What to fix; null when ok.' }) problem!: EntraTestProblemEnum | null;
  @Field(() => String, { description: 'What was found, in words an administrator can act on.' }) message!: string;
  @Field(() => Int, { nullable: true, description: 'Users visible to the app.' }) userCount!: number | null;
  @Field(() => Int, { nullable: true, description: 'Groups visible to the app.' }) groupCount!: number | null;
  @Field(() => EntraConnectionType, { description: 'The connection, with the test recorded.' }) connection!: EntraConnectionType;
}

@ObjectType('EntraGroup', { description: 'A group of the directory.' })
export class EntraGroupType {
  @Field(() => ID, { description: 'Object ID.' }) id!: string;
  @Field(() => String, { description: 'Display name.' }) displayName!: string;
  @Field(() => String, { nullable: true, description: 'Description.' }) description!: string | null;
  @Field(() => Int, { nullable: true, description: 'Users in the group, nested groups included; null if it could not be counted.' }) memberCount!: number | null;
}

@ObjectType('EntraSourceField', { description: 'A user attribute that can be mapped onto a list field.' })
export class EntraSourceFieldType {
  @Field(() => String, { description: 'Attribute name or path, e.g. department or onPremisesExtensionAttributes.extensionAttribute1.' }) attribute!: string;
  @Field(() => String, { description: 'Name to show.' }) label!: string;
  @Field(() => SourceFieldCategoryEnum, { description: 'Group in the wizard.' }) category!: SourceFieldCategory;
  @Field(() => [String], { description: 'Values read from a few real users of the scope.' }) samples!: string[];
  @Field(() => String, { nullable: true, description: 'Key of the list field this attribute matches by name, if any.' }) suggestedFieldKey!: string | null;
  @Field(() => FieldTypeEnum, { description: 'The type a new target field would get.' }) suggestedType!: FieldTypeName;
  @Field(() => String, { nullable: true, description: 'Key of the field it is mapped onto now.' }) mappedFieldKey!: string | null;
}

@ObjectType('EntraSyncScope', { description: 'Which users a list holds.' })
export class EntraSyncScopeType {
  @Field(() => EntraScopeKindEnum, { description: 'All users or one group.' }) kind!: EntraScopeKind;
  @Field(() => ID, { nullable: true, description: 'The group, for GROUP.' }) groupId!: string | null;
  @Field(() => String, { nullable: true, description: "The group's name when configured." }) groupName!: string | null;
  @Field(() => Boolean, { description: 'Only enabled accounts; otherwise disabled accounts are kept as inactive people.' }) enabledOnly!: boolean;
}

@ObjectType('SyncMapping', { description: 'A source attribute mapped onto a list field (the field is locked while synced).' })
export class SyncMappingType {
  @Field(() => String, { description: 'Source attribute.' }) sourceAttribute!: string;
  @Field(() => MappingTransformEnum, { description: 'Transform applied.' }) transform!: Transform;
  @Field(() => FieldType, { description: 'Target field.' }) field!: FieldType;
}

@ObjectType('ListSyncStatus', { description: "A list's sync: provider, configuration, schedule and last run." })
export class ListSyncStatusType {
  @Field(() => ID, { description: 'The list.' }) listId!: string;
  @Field(() => String, { nullable: true, description: 'The sync provider key (entra, scim), or null when the list is not synced.' }) provider!: string | null;
  @Field(() => EntraConnectionType, { nullable: true, description: 'The Entra connection, for entra.' }) connection!: EntraConnectionType | null;
  @Field(() => EntraSyncScopeType, { nullable: true, description: 'Which users, for entra.' }) scope!: EntraSyncScopeType | null;
  @Field(() => [SyncMappingType], { description: 'Field mappings, in field order.' }) mappings!: SyncMappingType[];
  @Field(() => Int, { nullable: true, description: 'Minutes between scheduled delta runs; null: manual only.' }) intervalMinutes!: number | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the next scheduled run is due.' }) nextRunAt!: Date | null;
  @Field(() => SyncRunType, { nullable: true, description: 'The latest run.' }) lastRun!: SyncRunType | null;
  @Field(() => Int, { description: 'A run deactivating more than this % of active people halts for review.' }) deactivationLimitPercent!: number;
  @Field(() => Int, { description: 'A run deactivating more than this many people halts for review.' }) deactivationLimitCount!: number;
}

@InputType('EntraSyncScopeInput', { description: 'Which users a list holds.' })
export class EntraSyncScopeInput {
  @Field(() => EntraScopeKindEnum, { description: 'All users or one group.' }) kind!: EntraScopeKind;
  @Field(() => ID, { nullable: true, description: 'The group (Object ID), for GROUP.' }) groupId?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: true, description: 'Only enabled accounts (default).' }) enabledOnly?: boolean | null;
}

@InputType('NewFieldInput', { description: 'A target field to create while mapping.' })
export class NewFieldInput {
  @Field(() => String, { description: 'Label.' }) label!: string;
  @Field(() => FieldTypeEnum, { description: 'Type.' }) type!: FieldTypeName;
}

@InputType('SyncMappingInput', { description: 'One source attribute onto one list field.' })
export class SyncMappingInput {
  @Field(() => String, { description: 'Source attribute (see entraSourceFields).' }) sourceAttribute!: string;
  @Field(() => String, { nullable: true, description: 'Target field key; with createField, the new key (derived from the attribute when omitted).' }) fieldKey?: string | null;
  @Field(() => MappingTransformEnum, { nullable: true, defaultValue: 'DIRECT', description: 'Transform.' }) transform?: Transform | null;
  @Field(() => NewFieldInput, { nullable: true, description: 'Create the target field first.' }) createField?: NewFieldInput | null;
}

@InputType('ConfigureEntraSyncInput', { description: "A list's Entra ID sync; replaces the previous configuration." })
export class ConfigureEntraSyncInput {
  @Field(() => ID, { description: 'The list.' }) listId!: string;
  @Field(() => ID, { description: 'The Entra connection.' }) connectionId!: string;
  @Field(() => EntraSyncScopeInput, { description: 'Which users.' }) scope!: EntraSyncScopeInput;
  @Field(() => [SyncMappingInput], { description: 'Every mapping (fields not listed are local-only).' }) mappings!: SyncMappingInput[];
  @Field(() => String, { description: 'Key of the mapped field that identifies people (the UID).' }) uidFieldKey!: string;
  @Field(() => Int, { nullable: true, description: 'Minutes between scheduled delta runs (5 to 10080); null for manual only.' }) intervalMinutes?: number | null;
  @Field(() => Int, { nullable: true, description: 'Deactivation limit as % of active people (default 20).' }) deactivationLimitPercent?: number | null;
  @Field(() => Int, { nullable: true, description: 'Deactivation limit in people (default 500).' }) deactivationLimitCount?: number | null;
}

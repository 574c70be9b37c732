import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar } from '../../graphql/scalars.js';
import type { FieldType as DomainFieldType } from '../list.entities.js';

export enum FieldTypeEnum {
  TEXT = 'TEXT',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  NUMBER = 'NUMBER',
  DATE = 'DATE',
  BOOLEAN = 'BOOLEAN',
  URL = 'URL',
  PHOTO = 'PHOTO',
}
registerEnumType(FieldTypeEnum, {
  name: 'FieldType',
  description: 'The type of a field; values are validated against it.',
  valuesConfig: {
    TEXT: { description: 'Any text up to 10,000 characters.' },
    EMAIL: { description: 'An email address.' },
    PHONE: { description: 'A phone number: digits, spaces, + ( ) - . / and an optional extension.' },
    NUMBER: { description: 'A number.' },
    DATE: { description: 'A calendar date, YYYY-MM-DD.' },
    BOOLEAN: { description: 'True or false.' },
    URL: { description: 'An http or https address.' },
    PHOTO: { description: 'An image address (http, https or data:image).' },
  },
});

@ObjectType('Field', { description: "One column of a master list's schema." })
export class FieldType {
  @Field(() => ID, { description: 'Field id.' }) id!: string;
  @Field(() => String, { description: 'Stable key used in person values, filters and mappings (a-z, 0-9, _).' }) key!: string;
  @Field(() => String, { description: 'Label shown to people.' }) label!: string;
  @Field(() => FieldTypeEnum, { description: 'Value type.' }) type!: DomainFieldType;
  @Field(() => Boolean, { description: 'Whether every person must have a value.' }) required!: boolean;
  @Field(() => String, { nullable: true, description: 'Help text.' }) description!: string | null;
  @Field(() => Int, { description: 'Display order, from 0.' }) position!: number;
  listId!: string;
}

@ObjectType('MasterList', { description: 'A roster of people with its own schema.' })
export class MasterListType {
  @Field(() => ID, { description: 'List id.' }) id!: string;
  @Field(() => String, { description: 'Name, unique within the organisation.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What the list is for.' }) description!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The sync provider that owns mapped fields (e.g. entra, scim), or null when the list is managed by hand.',
  })
  syncProvider!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the list was created.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the list configuration last changed.' }) updatedAt!: Date;
  uidFieldId!: string | null;
  archivedAt!: Date | null;
}

@InputType('FieldInput', { description: 'A new field.' })
export class FieldInput {
  @Field(() => String, { description: 'Key: starts with a-z, then a-z, 0-9 or _, at most 63 characters; unique in the list.' }) key!: string;
  @Field(() => String, { description: 'Label shown to people.' }) label!: string;
  @Field(() => FieldTypeEnum, { description: 'Value type.' }) type!: DomainFieldType;
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Whether every person must have a value.' }) required?: boolean;
  @Field(() => String, { nullable: true, description: 'Help text.' }) description?: string | null;
}

@InputType('CreateMasterListInput', { description: 'A new master list and its UID field.' })
export class CreateMasterListInput {
  @Field(() => String, { description: 'Name, unique within the organisation.' }) name!: string;
  @Field(() => String, { nullable: true, description: 'What the list is for.' }) description?: string | null;
  @Field(() => FieldInput, { description: 'The field that uniquely identifies each person (e.g. employee_id).' }) uidField!: FieldInput;
}

@InputType('UpdateFieldInput', { description: 'Changes to a field; omitted properties stay as they are. Keys and types never change.' })
export class UpdateFieldInput {
  @Field(() => String, { nullable: true, description: 'New label.' }) label?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Whether every person must have a value.' }) required?: boolean | null;
  @Field(() => String, { nullable: true, description: 'New help text; an empty string clears it.' }) description?: string | null;
}

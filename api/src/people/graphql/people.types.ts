import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../graphql/scalars.js';
import { PageInfoType } from '../../graphql/page-info.js';
import type { PersonStatus } from '../person.entity.js';

export enum PersonStatusEnum {
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
}
registerEnumType(PersonStatusEnum, {
  name: 'PersonStatus',
  description: 'Whether a person is current. People are deactivated, never silently deleted.',
  valuesConfig: { ACTIVE: { description: 'On the roster.' }, INACTIVE: { description: 'Left or removed at the source; kept with history.' } },
});

export enum PersonStatusFilterEnum {
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
  ALL = 'ALL',
}
registerEnumType(PersonStatusFilterEnum, {
  name: 'PersonStatusFilter',
  description: 'Which people a listing includes.',
  valuesConfig: { ACTIVE: { description: 'Active only (default).' }, INACTIVE: { description: 'Inactive only.' }, ALL: { description: 'Everyone.' } },
});

export enum SortDirectionEnum {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirectionEnum, {
  name: 'SortDirection',
  description: 'Sort order.',
  valuesConfig: { ASC: { description: 'Ascending; empty values first.' }, DESC: { description: 'Descending; empty values last.' } },
});

export enum FieldFilterOperatorEnum {
  EQ = 'EQ',
  NE = 'NE',
  CONTAINS = 'CONTAINS',
  STARTS_WITH = 'STARTS_WITH',
  IS_EMPTY = 'IS_EMPTY',
  IS_NOT_EMPTY = 'IS_NOT_EMPTY',
  GT = 'GT',
  LT = 'LT',
}
registerEnumType(FieldFilterOperatorEnum, {
  name: 'FieldFilterOperator',
  description: 'How a field filter compares.',
  valuesConfig: {
    EQ: { description: 'Equal, ignoring case.' },
    NE: { description: 'Not equal, ignoring case.' },
    CONTAINS: { description: 'Contains, ignoring case.' },
    STARTS_WITH: { description: 'Starts with, ignoring case.' },
    IS_EMPTY: { description: 'Has no value.' },
    IS_NOT_EMPTY: { description: 'Has a value.' },
    GT: { description: 'Greater than (numbers numerically, dates and text in order).' },
    LT: { description: 'Less than (numbers numerically, dates and text in order).' },
  },
});

export enum PersonChangeKindEnum {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  DEACTIVATED = 'DEACTIVATED',
  REACTIVATED = 'REACTIVATED',
  ERASED = 'ERASED',
}
registerEnumType(PersonChangeKindEnum, {
  name: 'PersonChangeKind',
  description: 'What happened to a person.',
  valuesConfig: {
    CREATED: { description: 'Added to the list.' },
    UPDATED: { description: 'Field values changed.' },
    DEACTIVATED: { description: 'Became inactive.' },
    REACTIVATED: { description: 'Became active again.' },
    ERASED: { description: 'Permanently erased.' },
  },
});

@ObjectType('Person', { description: 'A person on a master list.' })
export class PersonType {
  @Field(() => ID, { description: 'Person id.' }) id!: string;
  @Field(() => ID, { description: 'The master list.' }) listId!: string;
  @Field(() => String, { description: "The value of the list's UID field." }) uid!: string;
  @Field(() => PersonStatusEnum, { description: 'Active or inactive.' }) status!: PersonStatus;
  @Field(() => JSONObjectScalar, { description: 'Field values keyed by field key.' }) values!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'The source that manages this person (entra, scim, csv), or null when added by hand.' })
  source!: string | null;
  @Field(() => String, { nullable: true, description: 'How that source recognises the person (directory object id, SCIM id).' })
  sourceAnchor!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the person was added.' }) createdAt!: Date;
  @Field(() => DateTimeScalar, { description: 'When the person last changed.' }) updatedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When the person became inactive.' }) deactivatedAt!: Date | null;
}

@ObjectType('PersonEdge', { description: 'A person and its cursor.' })
export class PersonEdgeType {
  @Field(() => String, { description: 'Cursor of this row.' }) cursor!: string;
  @Field(() => PersonType, { description: 'The person.' }) node!: PersonType;
}

@ObjectType('PersonConnection', { description: 'A page of people.' })
export class PersonConnectionType {
  @Field(() => [PersonEdgeType], { description: 'The rows.' }) edges!: PersonEdgeType[];
  @Field(() => PageInfoType, { description: 'Paging.' }) pageInfo!: PageInfoType;
  @Field(() => Int, { description: 'How many people match the status, search and filters.' }) totalCount!: number;
}

@ObjectType('PersonChangedEvent', { description: 'A committed change to a person.' })
export class PersonChangedEventType {
  @Field(() => ID, { description: 'The master list.' }) listId!: string;
  @Field(() => ID, { description: 'The person.' }) personId!: string;
  @Field(() => PersonChangeKindEnum, { description: 'What happened.' }) kind!: PersonChangeKindEnum;
  @Field(() => PersonType, { nullable: true, description: 'The person as it is now (null when erased).' }) person!: PersonType | null;
}

@InputType('PersonSort', { description: 'Sort order of a listing.' })
export class PersonSortInput {
  @Field(() => String, { description: 'A field key, or uid, createdAt, updatedAt.' }) field!: string;
  @Field(() => SortDirectionEnum, { nullable: true, defaultValue: SortDirectionEnum.ASC, description: 'Direction.' }) direction?: SortDirectionEnum;
}

@InputType('FieldFilter', { description: 'A condition on one field.' })
export class FieldFilterInput {
  @Field(() => String, { description: 'A field key, or uid.' }) field!: string;
  @Field(() => FieldFilterOperatorEnum, { description: 'Comparison.' }) operator!: FieldFilterOperatorEnum;
  @Field(() => String, { nullable: true, description: 'Value to compare with (not needed for IS_EMPTY and IS_NOT_EMPTY).' }) value?: string | null;
}

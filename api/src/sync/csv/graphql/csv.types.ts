import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONObjectScalar } from '../../../graphql/scalars.js';
import { FieldTypeEnum } from '../../../lists/graphql/lists.types.js';
import type { FieldType as FieldTypeName } from '../../../lists/list.entities.js';
import { SyncRunType } from '../../graphql/sync.types.js';
import { MappingTransformEnum, SyncMappingInput } from '../../entra/graphql/entra-sync.types.js';
import type { Transform } from '../../engine/mapping.js';

export enum CsvEncodingEnum {
  UTF8 = 'UTF8',
  UTF8_BOM = 'UTF8_BOM',
  UTF16LE = 'UTF16LE',
  UTF16BE = 'UTF16BE',
}
registerEnumType(CsvEncodingEnum, {
  name: 'CsvEncoding',
  description: 'How the file was read as text (from its byte order mark).',
  valuesConfig: {
    UTF8: { description: 'UTF-8 without a byte order mark.' },
    UTF8_BOM: { description: 'UTF-8 with a byte order mark (Excel "CSV UTF-8").' },
    UTF16LE: { description: 'UTF-16 little-endian with a byte order mark (Excel "Unicode text").' },
    UTF16BE: { description: 'UTF-16 big-endian with a byte order mark.' },
  },
});

export enum CsvProblemSeverityEnum {
  ERROR = 'ERROR',
  WARNING = 'WARNING',
}
registerEnumType(CsvProblemSeverityEnum, {
  name: 'CsvProblemSeverity',
  description: 'Whether a problem stops its row (or the file) from being imported.',
  valuesConfig: { ERROR: { description: 'The row (or, without a row, the file) cannot be imported as it is.' }, WARNING: { description: 'Imported, but worth knowing (a column ignored or left unchanged).' } },
});

export enum DuplicateReasonEnum {
  EMAIL = 'EMAIL',
  NAME_AND_BIRTH_DATE = 'NAME_AND_BIRTH_DATE',
}
registerEnumType(DuplicateReasonEnum, {
  name: 'DuplicateReason',
  description: 'Why a row may be someone the list already has.',
  valuesConfig: { EMAIL: { description: 'The same email address (case-insensitive).' }, NAME_AND_BIRTH_DATE: { description: 'The same first name, last name and date of birth.' } },
});

@ObjectType('CsvColumn', { description: 'A column of an uploaded file, with the mapping it would take.' })
export class CsvColumnType {
  @Field(() => String, { description: 'The header.' }) name!: string;
  @Field(() => Int, { description: 'Position, from 1.' }) position!: number;
  @Field(() => [String], { description: 'Non-empty values from the first rows.' }) samples!: string[];
  @Field(() => String, { nullable: true, description: "The field it was mapped onto in this list's last import, else a field with the same name." }) suggestedFieldKey!: string | null;
  @Field(() => FieldTypeEnum, { description: 'The type a new field would get, from the samples.' }) suggestedType!: FieldTypeName;
  @Field(() => Boolean, { description: "Whether its suggested field is the list's UID field." }) suggestedUid!: boolean;
}

@ObjectType('CsvColumnMapping', { description: 'A column mapped onto a field.' })
export class CsvColumnMappingType {
  @Field(() => String, { description: 'The header.' }) column!: string;
  @Field(() => String, { description: 'The field key.' }) fieldKey!: string;
  @Field(() => MappingTransformEnum, { description: 'Transform applied before validation.' }) transform!: Transform;
}

@ObjectType('CsvProblem', { description: 'Something wrong with an uploaded file: where, and what to do.' })
export class CsvProblemType {
  @Field(() => Int, { nullable: true, description: 'Row as a spreadsheet numbers it (the header is row 1); null for the whole file.' }) row!: number | null;
  @Field(() => String, { nullable: true, description: 'The column header, when one column is concerned.' }) column!: string | null;
  @Field(() => CsvProblemSeverityEnum, { description: 'ERROR or WARNING.' }) severity!: CsvProblemSeverityEnum;
  @Field(() => String, { description: 'What is wrong, in words an administrator can act on.' }) message!: string;
}

@ObjectType('CsvValidation', { description: 'The whole file checked against its mapping; nothing is written.' })
export class CsvValidationType {
  @Field(() => Int, { description: 'Data rows (blank rows are not counted).' }) rowCount!: number;
  @Field(() => Int, { description: 'Rows without errors.' }) validRows!: number;
  @Field(() => Int, { description: 'Rows with at least one error.' }) invalidRows!: number;
  @Field(() => Int, { description: 'Errors in all.' }) errorCount!: number;
  @Field(() => Int, { description: 'Warnings in all.' }) warningCount!: number;
  @Field(() => [CsvProblemType], { description: 'The first problems (header first, then by row); problemsUrl has them all.' }) problems!: CsvProblemType[];
  @Field(() => String, { description: 'Where to download every problem as CSV (authenticated like GraphQL).' }) problemsUrl!: string;
}

@ObjectType('CsvImport', { description: 'An uploaded CSV file on its way into a list: upload, mapping, validation, preview, commit.' })
export class CsvImportType {
  @Field(() => ID, { description: 'Import id.' }) id!: string;
  @Field(() => ID, { description: 'The list it imports into.' }) listId!: string;
  @Field(() => String, { description: 'The uploaded file name.' }) fileName!: string;
  @Field(() => Int, { description: 'Size in bytes.' }) byteSize!: number;
  @Field(() => CsvEncodingEnum, { description: 'How the file was read as text.' }) encoding!: CsvEncodingEnum;
  @Field(() => String, { description: 'The delimiter found: a comma, a semicolon or a tab.' }) delimiter!: string;
  @Field(() => [String], { description: 'Headers, in file order.' }) headers!: string[];
  @Field(() => [[String]], { description: 'The first data rows as they are in the file.' }) sampleRows!: string[][];
  @Field(() => Int, { description: 'Data rows.' }) rowCount!: number;
  @Field(() => [CsvColumnMappingType], { nullable: true, description: 'The mapping, once set.' }) mapping!: CsvColumnMappingType[] | null;
  @Field(() => String, { nullable: true, description: 'The column that identifies people, once set.' }) uidColumn!: string | null;
  @Field(() => SyncRunType, { nullable: true, description: 'The latest preview (a dry run).' }) previewRun!: SyncRunType | null;
  @Field(() => SyncRunType, { nullable: true, description: 'The commit run, once committed.' }) run!: SyncRunType | null;
  @Field(() => String, { description: 'Who uploaded it.' }) createdBy!: string;
  @Field(() => DateTimeScalar, { description: 'When it was uploaded.' }) createdAt!: Date;
  previewRunId!: string | null;
  runId!: string | null;
}

@ObjectType('PossibleDuplicate', { description: 'A row that may be someone the list already has under another UID: decide before committing.' })
export class PossibleDuplicateType {
  @Field(() => String, { description: 'UID in the file.' }) uid!: string;
  @Field(() => JSONObjectScalar, { description: "The row's values (by field key); empty when the existing person would be matched by email and given this UID." }) values!: Record<string, unknown>;
  @Field(() => ID, { description: 'The existing person.' }) personId!: string;
  @Field(() => String, { description: "The existing person's UID." }) personUid!: string;
  @Field(() => JSONObjectScalar, { description: "The existing person's values." }) personValues!: Record<string, unknown>;
  @Field(() => DuplicateReasonEnum, { description: 'What they share.' }) reason!: DuplicateReasonEnum;
}

@ObjectType('CsvImportPreview', { description: 'What committing the file would do: a dry run of the engine. Nothing was written.' })
export class CsvImportPreviewType {
  @Field(() => SyncRunType, { description: 'The dry run: counts, and the first changes of each kind in preview(first).' }) run!: SyncRunType;
  @Field(() => [PossibleDuplicateType], { description: 'Rows that may duplicate existing people (at most 100 of each kind).' }) possibleDuplicates!: PossibleDuplicateType[];
}

@InputType('SetCsvImportMappingInput', { description: "An import's mapping; remembered as the list's CSV mapping for the next import." })
export class SetCsvImportMappingInput {
  @Field(() => ID, { description: 'The import.' }) importId!: string;
  @Field(() => [SyncMappingInput], { description: 'Columns (sourceAttribute: the header) onto fields; unlisted columns are ignored.' }) mappings!: SyncMappingInput[];
  @Field(() => String, { description: "The mapped column that identifies people; its field becomes the list's UID field." }) uidColumn!: string;
}

@InputType('CsvImportOptionsInput', { description: 'How to import a file.' })
export class CsvImportOptionsInput {
  @Field(() => ID, { description: 'The import.' }) importId!: string;
  @Field(() => Boolean, { defaultValue: false, description: 'The file is the whole list: people missing from it are deactivated (halted for review beyond the deactivation limit).' }) fullRoster!: boolean;
  @Field(() => Boolean, { defaultValue: false, description: 'Import the valid rows and report the others; otherwise any row with an error refuses the whole file.' }) skipInvalidRows!: boolean;
  @Field(() => [String], { nullable: true, description: 'UIDs to leave out (possible duplicates decided against).' }) skipUids?: string[] | null;
}

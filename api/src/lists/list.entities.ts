import { EntitySchema } from '@mikro-orm/core';

export type FieldType = 'TEXT' | 'EMAIL' | 'PHONE' | 'NUMBER' | 'DATE' | 'BOOLEAN' | 'URL' | 'PHOTO';
export const FIELD_TYPES: readonly FieldType[] = ['TEXT', 'EMAIL', 'PHONE', 'NUMBER', 'DATE', 'BOOLEAN', 'URL', 'PHOTO'];

/** A roster with its own schema. `syncProvider` names the source that owns mapped fields. */
export interface MasterList {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  uidFieldId: string | null;
  syncProvider: string | null;
  /** A sync run that would deactivate more than this share (%) of the active people halts for review. */
  deactivationLimitPercent: number;
  /** ... or more than this many people. */
  deactivationLimitCount: number;
  /** Hold every sync run's plan for review, except the kinds of change in `autoApprove`. */
  reviewSyncChanges: boolean;
  /** Kinds of change a reviewed list applies without review: CREATES, UPDATES, REACTIVATIONS, DEACTIVATIONS. */
  autoApprove: string[];
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const MasterListSchema = new EntitySchema<MasterList>({
  name: 'MasterList',
  tableName: 'master_list',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    name: { type: 'text' },
    description: { type: 'text', nullable: true },
    uidFieldId: { type: 'uuid', nullable: true },
    syncProvider: { type: 'text', nullable: true },
    deactivationLimitPercent: { type: 'integer', default: 20 },
    deactivationLimitCount: { type: 'integer', default: 500 },
    reviewSyncChanges: { type: 'boolean', default: false },
    autoApprove: { type: 'json' },
    archivedAt: { type: 'Date', nullable: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

/** One column of a list's schema. */
export interface ListField {
  id: string;
  organizationId: string;
  listId: string;
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  description: string | null;
  position: number;
  createdAt: Date;
}

export const ListFieldSchema = new EntitySchema<ListField>({
  name: 'ListField',
  tableName: 'list_field',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    listId: { type: 'uuid' },
    key: { type: 'text' },
    label: { type: 'text' },
    type: { type: 'text' },
    required: { type: 'boolean' },
    description: { type: 'text', nullable: true },
    position: { type: 'integer' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

/** A source attribute mapped onto a list field; locks the field while its provider is active. */
export interface FieldMapping {
  id: string;
  organizationId: string;
  listId: string;
  fieldId: string;
  provider: string;
  sourceAttribute: string;
  transform: string;
  createdAt: Date;
}

export const FieldMappingSchema = new EntitySchema<FieldMapping>({
  name: 'FieldMapping',
  tableName: 'field_mapping',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    listId: { type: 'uuid' },
    fieldId: { type: 'uuid' },
    provider: { type: 'text' },
    sourceAttribute: { type: 'text' },
    transform: { type: 'text' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

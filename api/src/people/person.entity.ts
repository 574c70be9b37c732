import { EntitySchema } from '@mikro-orm/core';

export type PersonStatus = 'ACTIVE' | 'INACTIVE';
/** Field values keyed by field key; values are already normalised for their field type. */
export type PersonValues = Record<string, string | number | boolean | null>;

/** A person on a master list. Never deleted by sync: deactivated instead. */
export interface Person {
  id: string;
  organizationId: string;
  listId: string;
  uid: string;
  status: PersonStatus;
  values: PersonValues;
  /** The source that manages this person (e.g. "entra", "scim", "csv"), or null when manual. */
  source: string | null;
  /** How that source recognises the person (directory object id, SCIM id, external id). */
  sourceAnchor: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  deactivatedAt: Date | null;
}

export const PersonSchema = new EntitySchema<Person>({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    listId: { type: 'uuid' },
    uid: { type: 'text' },
    status: { type: 'text' },
    values: { type: 'json', fieldName: 'values' },
    source: { type: 'text', nullable: true },
    sourceAnchor: { type: 'text', nullable: true },
    version: { type: 'integer', version: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
    deactivatedAt: { type: 'Date', nullable: true },
  },
});

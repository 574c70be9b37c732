import { EntitySchema } from '@mikro-orm/core';

export type ActorType = 'MEMBER' | 'API_TOKEN' | 'SYSTEM' | 'SYNC';

/** Who or what made a change. */
export interface Actor {
  type: ActorType;
  id: string | null;
  label: string;
}

/** One field's value before and after a change. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** An immutable record of a change to a person or to list configuration. */
export interface AuditEntry {
  id: string;
  organizationId: string;
  listId: string | null;
  personId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  actorType: ActorType;
  actorId: string | null;
  actorLabel: string;
  changes: FieldChange[];
  at: Date;
  seq?: string;
}

export const AuditEntrySchema = new EntitySchema<AuditEntry>({
  name: 'AuditEntry',
  tableName: 'audit_entry',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    listId: { type: 'uuid', nullable: true },
    personId: { type: 'uuid', nullable: true },
    entityType: { type: 'text' },
    entityId: { type: 'uuid' },
    action: { type: 'text' },
    actorType: { type: 'text' },
    actorId: { type: 'text', nullable: true },
    actorLabel: { type: 'text' },
    changes: { type: 'json' },
    at: { type: 'Date' },
    seq: { type: 'bigint', persist: false, nullable: true },
  },
});

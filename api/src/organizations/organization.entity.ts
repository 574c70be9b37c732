import { EntitySchema } from '@mikro-orm/core';

/** A tenant. Every other row belongs to exactly one. */
export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
}

export const OrganizationSchema = new EntitySchema<Organization>({
  name: 'Organization',
  tableName: 'organization',
  properties: {
    id: { type: 'uuid', primary: true },
    name: { type: 'text' },
    createdAt: { type: 'Date', onCreate: () => new Date() },
  },
});

import type { EntraProblem } from './graph-reader.js';
import { EntitySchema } from '@mikro-orm/core';
import type { EntraCloud } from './clouds.js';

/** An Entra ID app registration Rollcall reads a directory with. The secret is stored sealed. */
export interface EntraConnection {
  id: string;
  organizationId: string;
  name: string;
  tenantId: string;
  clientId: string;
  clientSecretSealed: string;
  cloud: EntraCloud;
  /** When the client secret expires (Entra secrets do), as given by the administrator. */
  secretExpiresAt: string | null;
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  lastTestProblem: EntraProblem | null;
  createdAt: Date;
  updatedAt: Date;
}

export const EntraConnectionSchema = new EntitySchema<EntraConnection>({
  name: 'EntraConnection',
  tableName: 'entra_connection',
  properties: {
    id: { type: 'uuid', primary: true },
    organizationId: { type: 'uuid' },
    name: { type: 'text' },
    tenantId: { type: 'text' },
    clientId: { type: 'text' },
    clientSecretSealed: { type: 'text', lazy: true },
    cloud: { type: 'text' },
    secretExpiresAt: { type: 'date', nullable: true },
    lastTestedAt: { type: 'Date', nullable: true },
    lastTestOk: { type: 'boolean', nullable: true },
    lastTestMessage: { type: 'text', nullable: true },
    lastTestProblem: { type: 'text', nullable: true },
    createdAt: { type: 'Date', onCreate: () => new Date() },
    updatedAt: { type: 'Date', onCreate: () => new Date(), onUpdate: () => new Date() },
  },
});

import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { withStartupLock } from './startup-lock.js';
import { OrganizationSchema } from '../organizations/organization.entity.js';
import { ApiTokenSchema, AuthSessionSchema, MemberSchema } from '../auth/auth.entities.js';
import { FieldMappingSchema, ListFieldSchema, MasterListSchema } from '../lists/list.entities.js';
import { PersonSchema } from '../people/person.entity.js';
import { AuditEntrySchema } from '../audit/audit-entry.entity.js';
import { Migration20261123000000Foundation } from './migrations/Migration20261123000000Foundation.js';
import { Migration20261123010000EntraConnections } from './migrations/Migration20261123010000EntraConnections.js';
import { EntraConnectionSchema } from '../sync/entra/entra-connection.entity.js';
import { Migration20261123020000SyncRuns } from './migrations/Migration20261123020000SyncRuns.js';
import { Migration20261123030000PeopleCountIndex } from './migrations/Migration20261123030000PeopleCountIndex.js';
import { Migration20261123040000EntraListSync } from './migrations/Migration20261123040000EntraListSync.js';
import { Migration20261123050000PersonPhotos } from './migrations/Migration20261123050000PersonPhotos.js';
import { Migration20261123070000SearchIndexPendingList } from './migrations/Migration20261123070000SearchIndexPendingList.js';
import { Migration20261123080000EntraTestProblem } from './migrations/Migration20261123080000EntraTestProblem.js';
import { Migration20261123060000SyncRunAttempt } from './migrations/Migration20261123060000SyncRunAttempt.js';
import { Migration20261203100000Scim } from './migrations/Migration20261203100000Scim.js';
import { Migration20261203101000ScimGroups } from './migrations/Migration20261203101000ScimGroups.js';
import { Migration20261203102000ProvisioningLog } from './migrations/Migration20261203102000ProvisioningLog.js';
import { Migration20261203440001ScimTokenRevokedNotify } from './migrations/Migration20261203440001ScimTokenRevokedNotify.js';
import { Migration20261204100000ListSchemaChangedNotify } from './migrations/Migration20261204100000ListSchemaChangedNotify.js';
import { Migration20261204180000SortIndexesOnFirstSort } from './migrations/Migration20261204180000SortIndexesOnFirstSort.js';
import { Migration20261204230000AuditOrganizationTrigger } from './migrations/Migration20261204230000AuditOrganizationTrigger.js';
import { Migration20261205080000UnanchoredPeopleIndex } from './migrations/Migration20261205080000UnanchoredPeopleIndex.js';
import { Migration20261205090000SyncRunReadInFull } from './migrations/Migration20261205090000SyncRunReadInFull.js';
import { Migration20261203200000CsvImports } from './migrations/Migration20261203200000CsvImports.js';
import { Migration20261203300000SessionsChangesets } from './migrations/Migration20261203300000SessionsChangesets.js';
import { Migration20261203301000SyncReviewPolicy } from './migrations/Migration20261203301000SyncReviewPolicy.js';
import { Migration20261203410000Alerts } from './migrations/Migration20261203410000Alerts.js';
import type { Logger } from '../shared/logger.js';

/** Every entity, listed explicitly: no folder discovery, so builds and tests see the same set. */
export const entities = [
  OrganizationSchema,
  MemberSchema,
  AuthSessionSchema,
  ApiTokenSchema,
  MasterListSchema,
  ListFieldSchema,
  FieldMappingSchema,
  PersonSchema,
  AuditEntrySchema,
  EntraConnectionSchema,
];

/** Committed migrations in order. Add new ones at the end; never edit one that has shipped. */
export const migrationsList = [
  { name: 'Migration20261123000000Foundation', class: Migration20261123000000Foundation },
  { name: 'Migration20261123010000EntraConnections', class: Migration20261123010000EntraConnections },
  { name: 'Migration20261123020000SyncRuns', class: Migration20261123020000SyncRuns },
  { name: 'Migration20261123030000PeopleCountIndex', class: Migration20261123030000PeopleCountIndex },
  { name: 'Migration20261123040000EntraListSync', class: Migration20261123040000EntraListSync },
  { name: 'Migration20261123050000PersonPhotos', class: Migration20261123050000PersonPhotos },
  { name: 'Migration20261123060000SyncRunAttempt', class: Migration20261123060000SyncRunAttempt },
  { name: 'Migration20261123070000SearchIndexPendingList', class: Migration20261123070000SearchIndexPendingList },
  { name: 'Migration20261123080000EntraTestProblem', class: Migration20261123080000EntraTestProblem },
  { name: 'Migration20261203100000Scim', class: Migration20261203100000Scim },
  { name: 'Migration20261203101000ScimGroups', class: Migration20261203101000ScimGroups },
  { name: 'Migration20261203102000ProvisioningLog', class: Migration20261203102000ProvisioningLog },
  { name: 'Migration20261203200000CsvImports', class: Migration20261203200000CsvImports },
  { name: 'Migration20261203300000SessionsChangesets', class: Migration20261203300000SessionsChangesets },
  { name: 'Migration20261203301000SyncReviewPolicy', class: Migration20261203301000SyncReviewPolicy },
  { name: 'Migration20261203410000Alerts', class: Migration20261203410000Alerts },
  { name: 'Migration20261203440001ScimTokenRevokedNotify', class: Migration20261203440001ScimTokenRevokedNotify },
  { name: 'Migration20261204100000ListSchemaChangedNotify', class: Migration20261204100000ListSchemaChangedNotify },
  { name: 'Migration20261204180000SortIndexesOnFirstSort', class: Migration20261204180000SortIndexesOnFirstSort },
  { name: 'Migration20261204230000AuditOrganizationTrigger', class: Migration20261204230000AuditOrganizationTrigger },
  { name: 'Migration20261205080000UnanchoredPeopleIndex', class: Migration20261205080000UnanchoredPeopleIndex },
  { name: 'Migration20261205090000SyncRunReadInFull', class: Migration20261205090000SyncRunReadInFull },
];

/** MikroORM options for a database URL. */
export function ormOptions(clientUrl: string, logger?: Logger, poolMax = 20): Options {
  return {
    clientUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, tableName: 'mikro_orm_migrations', silent: true },
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: poolMax },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
    ...(logger ? { logger: (m: string) => logger.debug({ orm: m }, 'mikro-orm') } : {}),
  };
}

/** Connects the ORM (no schema changes). */
export async function initOrm(clientUrl: string, logger?: Logger, poolMax?: number): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, logger, poolMax));
}

/**
 * Applies pending committed migrations; returns the names applied. Replicas started together take
 * turns (`withStartupLock`): the first applies, the others find nothing pending.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  return withStartupLock(orm.config.get('clientUrl')!, async () => {
    const applied = await orm.getMigrator().up();
    return applied.map((m) => m.name);
  });
}

/** True when every committed migration has been applied (used by /readyz). */
export async function migrationsApplied(orm: MikroORM): Promise<boolean> {
  const pending = await orm.getMigrator().getPendingMigrations();
  return pending.length === 0;
}

/** The connection pool's use now (knex's tarn pool): connections in use, idle, and callers waiting. */
export function poolUse(orm: MikroORM): { used: number; free: number; pending: number; max: number } {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number; max: number } }).pool;
  if (!pool) return { used: 0, free: 0, pending: 0, max: 0 };
  return { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires(), max: pool.max };
}

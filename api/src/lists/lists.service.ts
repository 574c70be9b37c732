import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { errors, isUniqueViolation } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FieldChange } from '../audit/audit-entry.entity.js';
import {
  FIELD_TYPES,
  FieldMappingSchema,
  ListFieldSchema,
  MasterListSchema,
  type FieldType,
  type ListField,
  type MasterList,
} from './list.entities.js';

export interface FieldInput {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean | null;
  description?: string | null;
}

export interface ListsServiceDeps {
  orm: MikroORM;
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  logger: Logger;
}

const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;
/** Keys the people API reserves for built-in sort columns. */
const RESERVED_KEYS = new Set(['id', 'uid', 'status', 'created_at', 'updated_at', 'createdat', 'updatedat']);

/** Name of the shared sort index for a field key (one per key, used by every list). */
export function sortIndexName(key: string): string {
  return `person_sort_${key}`.slice(0, 63);
}

/** Master lists and their schemas: fields, UID designation, locks from sync mappings. */
export class ListsService {
  constructor(private readonly deps: ListsServiceDeps) {}

  async lists(em: EntityManager, viewer: Viewer, includeArchived: boolean): Promise<MasterList[]> {
    return em.find(
      MasterListSchema,
      { organizationId: viewer.organizationId, ...(includeArchived ? {} : { archivedAt: null }) },
      { orderBy: { name: 'asc' } },
    );
  }

  async list(em: EntityManager, viewer: Viewer, id: string): Promise<MasterList> {
    const list = isUuid(id) ? await em.findOne(MasterListSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!list) throw errors.notFound('Master list', id);
    return list;
  }

  /** A list's fields in display order. */
  async fields(em: EntityManager, listId: string): Promise<ListField[]> {
    return em.find(ListFieldSchema, { listId }, { orderBy: { position: 'asc' } });
  }

  /**
   * Keys of fields owned by the list's active sync provider, mapped to the provider name. A photo
   * field stays editable: a photo captured in Rollcall wins over the directory's.
   */
  async lockedFields(em: EntityManager, list: MasterList): Promise<Map<string, string>> {
    if (!list.syncProvider) return new Map();
    const rows = await em.execute<Array<{ key: string }>>(
      `SELECT f.key FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = ? AND m.source_attribute <> 'photo'`,
      [list.id, list.syncProvider],
    );
    return new Map(rows.map((r) => [r.key, providerLabel(list.syncProvider!)]));
  }

  /** Creates a list with its UID field (every list has one from the start). */
  async createMasterList(
    em: EntityManager,
    viewer: Viewer,
    input: { name: string; description?: string | null; uidField: FieldInput },
  ): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const name = checkName(input.name);
    const uid = checkFieldInput(input.uidField);
    if (uid.type === 'BOOLEAN' || uid.type === 'PHOTO') {
      throw errors.badInput(`A ${uid.type.toLowerCase()} field cannot identify people; choose text, email, number or similar.`, 'uidField');
    }
    const now = this.deps.clock.now();
    const list = em.create(MasterListSchema, {
      id: this.deps.ids.uuid(),
      organizationId: viewer.organizationId,
      name,
      description: input.description?.trim() || null,
      uidFieldId: null,
      syncProvider: null,
      deactivationLimitPercent: 20,
      deactivationLimitCount: 500,
      reviewSyncChanges: false,
      autoApprove: [],
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const field = em.create(ListFieldSchema, {
      id: this.deps.ids.uuid(),
      organizationId: viewer.organizationId,
      listId: list.id,
      ...uid,
      required: true,
      position: 0,
      createdAt: now,
    });
    list.uidFieldId = field.id;
    this.auditList(em, viewer, list.id, list.id, 'master_list.created', [
      { field: 'name', before: null, after: name },
      { field: 'uidField', before: null, after: field.key },
    ]);
    await this.flushUnique(em, `A master list named "${name}" already exists; choose another name.`, 'name');
    return list;
  }

  async renameMasterList(em: EntityManager, viewer: Viewer, id: string, nameRaw: string): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const list = await this.list(em, viewer, id);
    const name = checkName(nameRaw);
    if (name === list.name) return list;
    this.auditList(em, viewer, list.id, list.id, 'master_list.renamed', [{ field: 'name', before: list.name, after: name }]);
    list.name = name;
    await this.flushUnique(em, `A master list named "${name}" already exists; choose another name.`, 'name');
    return list;
  }

  /** Archiving hides a list from the index; its people and history stay. */
  async setArchived(em: EntityManager, viewer: Viewer, id: string, archived: boolean): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const list = await this.list(em, viewer, id);
    if ((list.archivedAt !== null) === archived) return list;
    const now = this.deps.clock.now();
    this.auditList(em, viewer, list.id, list.id, archived ? 'master_list.archived' : 'master_list.unarchived', [
      { field: 'archivedAt', before: list.archivedAt, after: archived ? now : null },
    ]);
    list.archivedAt = archived ? now : null;
    await em.flush();
    return list;
  }

  async field(em: EntityManager, viewer: Viewer, id: string): Promise<ListField> {
    const field = isUuid(id) ? await em.findOne(ListFieldSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!field) throw errors.notFound('Field', id);
    return field;
  }

  async addField(em: EntityManager, viewer: Viewer, listId: string, input: FieldInput): Promise<ListField> {
    requireRole(viewer, 'ADMIN');
    const list = await this.list(em, viewer, listId);
    const checked = checkFieldInput(input);
    const last = await em.findOne(ListFieldSchema, { listId: list.id }, { orderBy: { position: 'desc' } });
    const field = em.create(ListFieldSchema, {
      id: this.deps.ids.uuid(),
      organizationId: viewer.organizationId,
      listId: list.id,
      ...checked,
      position: (last?.position ?? -1) + 1,
      createdAt: this.deps.clock.now(),
    });
    this.auditList(em, viewer, list.id, field.id, 'field.added', [
      { field: checked.key, before: null, after: { label: checked.label, type: checked.type, required: checked.required } },
    ]);
    await this.flushUnique(em, `This list already has a field with the key "${checked.key}"; keys are unique within a list.`, 'key');
    return field;
  }

  async updateField(
    em: EntityManager,
    viewer: Viewer,
    id: string,
    input: { label?: string | null; required?: boolean | null; description?: string | null },
  ): Promise<ListField> {
    requireRole(viewer, 'ADMIN');
    const field = await this.field(em, viewer, id);
    const changes: FieldChange[] = [];
    if (input.label !== undefined && input.label !== null) {
      const label = input.label.trim();
      if (!label || label.length > 200) throw errors.badInput('A field label needs 1 to 200 characters.', 'label');
      if (label !== field.label) changes.push({ field: 'label', before: field.label, after: label });
      field.label = label;
    }
    if (input.required !== undefined && input.required !== null && input.required !== field.required) {
      const list = await em.findOneOrFail(MasterListSchema, { id: field.listId });
      if (!input.required && list.uidFieldId === field.id) throw errors.badInput('The UID field is always required.', 'required');
      changes.push({ field: 'required', before: field.required, after: input.required });
      field.required = input.required;
    }
    if (input.description !== undefined) {
      const description = input.description?.trim() || null;
      if (description !== field.description) changes.push({ field: 'description', before: field.description, after: description });
      field.description = description;
    }
    if (changes.length > 0) this.auditList(em, viewer, field.listId, field.id, 'field.updated', changes.map((c) => ({ ...c, field: `${field.key}.${c.field}` })));
    await em.flush();
    return field;
  }

  /** Sets the display order; `fieldIds` must name every field of the list exactly once. */
  async reorderFields(em: EntityManager, viewer: Viewer, listId: string, fieldIds: string[]): Promise<ListField[]> {
    requireRole(viewer, 'ADMIN');
    const list = await this.list(em, viewer, listId);
    const fields = await this.fields(em, list.id);
    const byId = new Map(fields.map((f) => [f.id, f]));
    if (fieldIds.length !== fields.length || new Set(fieldIds).size !== fieldIds.length || fieldIds.some((id) => !byId.has(id))) {
      throw errors.badInput(`Send every field id of the list exactly once (the list has ${fields.length} fields).`, 'fieldIds');
    }
    const before = fields.map((f) => f.key);
    fieldIds.forEach((id, i) => {
      byId.get(id)!.position = i;
    });
    const after = fieldIds.map((id) => byId.get(id)!.key);
    this.auditList(em, viewer, list.id, list.id, 'field.reordered', [{ field: 'order', before, after }]);
    await em.flush();
    return fieldIds.map((id) => byId.get(id)!);
  }

  /** Removes a field and its values; refused for the UID field and while a mapping uses it. */
  async removeField(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    requireRole(viewer, 'ADMIN');
    const field = await this.field(em, viewer, id);
    const list = await em.findOneOrFail(MasterListSchema, { id: field.listId });
    if (list.uidFieldId === field.id) {
      throw errors.conflict(`"${field.label}" is the UID field of this list; choose another UID field before removing it.`, { field: field.key });
    }
    const mappings = await em.find(FieldMappingSchema, { fieldId: field.id });
    if (mappings.length > 0) {
      const providers = [...new Set(mappings.map((m) => providerLabel(m.provider)))].join(', ');
      throw errors.conflict(`"${field.label}" is used by the ${providers} field mapping; remove it from the mapping first.`, { field: field.key });
    }
    await em.transactional(async (tem) => {
      this.auditList(tem, viewer, list.id, field.id, 'field.removed', [{ field: field.key, before: { label: field.label, type: field.type }, after: null }]);
      // The values go with the field, in one statement for the whole list.
      await tem.execute(`UPDATE person SET "values" = "values" - ?, updated_at = now() WHERE list_id = ? AND "values" -> ? IS NOT NULL`, [field.key, list.id, field.key]);
      tem.remove(tem.getReference(ListFieldSchema, field.id));
    });
  }

  /**
   * Makes another field the UID. Every person must have a distinct, non-empty value in it; the
   * database's unique constraint is the final judge.
   */
  async setUidField(em: EntityManager, viewer: Viewer, listId: string, fieldId: string): Promise<MasterList> {
    requireRole(viewer, 'ADMIN');
    const list = await this.list(em, viewer, listId);
    const field = await this.field(em, viewer, fieldId);
    if (field.listId !== list.id) throw errors.notFound('Field', fieldId);
    if (list.uidFieldId === field.id) return list;
    if (field.type === 'BOOLEAN' || field.type === 'PHOTO') throw errors.badInput(`A ${field.type.toLowerCase()} field cannot identify people.`, 'fieldId');
    const [missing] = await em.execute<Array<{ n: string }>>(
      `SELECT count(*)::text AS n FROM person WHERE list_id = ? AND coalesce("values"->>?, '') = ''`,
      [list.id, field.key],
    );
    if (Number(missing?.n ?? 0) > 0) {
      const who = missing!.n === '1' ? '1 person has' : `${missing!.n} people have`;
      throw errors.conflict(`${who} no "${field.label}"; fill it in for everyone before making it the UID.`, { field: field.key });
    }
    const [dupes] = await em.execute<Array<{ n: string }>>(
      `SELECT count(*)::text AS n FROM (SELECT 1 FROM person WHERE list_id = ? GROUP BY "values"->>? HAVING count(*) > 1) d`,
      [list.id, field.key],
    );
    if (Number(dupes?.n ?? 0) > 0) {
      const what = dupes!.n === '1' ? '1 value' : `${dupes!.n} values`;
      throw errors.conflict(`${what} of "${field.label}" ${dupes!.n === '1' ? 'is' : 'are'} shared by several people; a UID must be unique.`, { field: field.key });
    }
    const previous = list.uidFieldId;
    await em.transactional(async (tem) => {
      await tem.execute(`UPDATE person SET uid = "values"->>?, updated_at = now() WHERE list_id = ?`, [field.key, list.id]);
      const managed = await tem.findOneOrFail(MasterListSchema, { id: list.id });
      managed.uidFieldId = field.id;
      const f = await tem.findOneOrFail(ListFieldSchema, { id: field.id });
      f.required = true;
      this.auditList(tem, viewer, list.id, list.id, 'master_list.uid_changed', [{ field: 'uidField', before: previous, after: field.id }]);
    });
    em.clear();
    return this.list(em, viewer, list.id);
  }

  private auditList(em: EntityManager, viewer: Viewer, listId: string, entityId: string, action: string, changes: FieldChange[]): void {
    this.deps.audit.record(em, {
      organizationId: viewer.organizationId,
      listId,
      entityType: action.startsWith('field.') ? 'field' : 'master_list',
      entityId,
      action,
      actor: viewer.actor,
      changes,
    });
  }

  private async flushUnique(em: EntityManager, message: string, field: string): Promise<void> {
    try {
      await em.flush();
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict(message, { field });
      throw err;
    }
  }

  /**
   * Someone sorts people by a field key: makes sure the key's sort index exists, building it in
   * the background on the first sort by that key (in any list; one index per key, shared by every
   * list). Indexes are built on first use rather than for every field: each one is written with
   * every person a sync or a SCIM client changes (a delta of 7,000 changes spent a third of its
   * writing time on six sort indexes nobody sorted by), while a sort without it still answers,
   * by sorting the list's matching people (110-180 ms at 100,000 people, measured) until it is built.
   */
  sortedBy(listId: string, key: string): void {
    void this.ensureSortIndex(key, listId);
  }

  /**
   * Builds, in the background and without blocking writes, the index that keeps sorting by this
   * field key fast (keys are validated identifiers); resolves once it is valid, or could not be
   * built (logged), or the key is no field of list `listId` (only fields earn an index). The work runs on a connection of its own, not the ORM's pool: a build over a large
   * table takes minutes. Builds run one at a time: concurrent CREATE INDEX CONCURRENTLY on one
   * table wait for each other's snapshots and PostgreSQL ends one of them as a deadlock. A build
   * that failed leaves an invalid index, which IF NOT EXISTS would keep for ever, so an invalid
   * one is dropped and built again.
   */
  private ensureSortIndex(key: string, listId: string): Promise<void> {
    if (!KEY_RE.test(key) || this.sortIndexed.has(key)) return Promise.resolve();
    const pending = this.sortBuilds.get(key);
    if (pending) return pending;
    const name = sortIndexName(key);
    const build = async () => {
      const conn = new pg.Client({ connectionString: this.deps.orm.config.get('clientUrl') });
      await conn.connect();
      try {
        const field = await conn.query(`SELECT 1 FROM list_field WHERE list_id = $1 AND key = $2`, [listId, key]);
        if (field.rowCount === 0) return;
        for (let attempt = 1; ; attempt++) {
          const existing = await conn.query<{ valid: boolean }>(
            `SELECT i.indisvalid AS valid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = $1`,
            [name],
          );
          if (existing.rows[0]?.valid) break;
          try {
            if (existing.rows[0]) await conn.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
            await conn.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON person (list_id, (coalesce("values"->'${key}', 'null'::jsonb)), id)`);
            break;
          } catch (err) {
            if (attempt >= 3) throw err;
          }
        }
        this.sortIndexed.add(key);
      } finally {
        await conn.end().catch(() => undefined);
      }
    };
    const done = this.indexBuilds
      .then(build)
      .catch((err: unknown) => this.deps.logger.warn({ err, key }, 'could not build the sort index for a field'));
    this.indexBuilds = done;
    this.sortBuilds.set(key, done);
    void done.finally(() => this.sortBuilds.delete(key));
    return done;
  }

  /** The sort-index builds of this process, one after another. */
  private indexBuilds: Promise<void> = Promise.resolve();

  /** Keys whose sort index this process has seen valid. */
  private readonly sortIndexed = new Set<string>();

  /** Sort-index checks and builds under way, by key. */
  private readonly sortBuilds = new Map<string, Promise<void>>();

  /** Waits for background index builds (shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.sortBuilds.values()]);
  }
}

/** How a provider is named to people. */
export function providerLabel(provider: string): string {
  return ({ entra: 'Microsoft Entra ID', scim: 'SCIM', csv: 'CSV' } as Record<string, string>)[provider] ?? provider;
}

function checkName(raw: string): string {
  const name = raw.trim();
  if (!name || name.length > 200) throw errors.badInput('A master list name needs 1 to 200 characters.', 'name');
  return name;
}

/** Validates and normalises a new field (key, label, type, options); throws BAD_USER_INPUT naming the input. */
export function checkFieldInput(input: FieldInput): Omit<ListField, 'id' | 'organizationId' | 'listId' | 'position' | 'createdAt'> {
  const key = input.key.trim();
  if (!KEY_RE.test(key)) {
    throw errors.badInput(`Field key "${input.key}" must start with a lowercase letter and use only a-z, 0-9 and _ (at most 63 characters).`, 'key');
  }
  if (RESERVED_KEYS.has(key)) throw errors.badInput(`"${key}" is reserved; choose another key.`, 'key');
  const label = input.label.trim();
  if (!label || label.length > 200) throw errors.badInput('A field label needs 1 to 200 characters.', 'label');
  if (!FIELD_TYPES.includes(input.type)) throw errors.badInput(`Unknown field type "${input.type}".`, 'type');
  return { key, label, type: input.type, required: input.required ?? false, description: input.description?.trim() || null };
}

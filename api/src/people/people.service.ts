import { OptimisticLockError, type EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { errors, isUniqueViolation } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FieldChange } from '../audit/audit-entry.entity.js';
import type { EventBus, PersonEvent as DomainEvent } from '../events/event-bus.js';
import type { ListsService } from '../lists/lists.service.js';
import type { ListField, MasterList } from '../lists/list.entities.js';
import { normaliseValue, uidText } from '../lists/field-values.js';
import { PersonSchema, type Person, type PersonValues } from './person.entity.js';
import { BUILT_IN_SORTS, queryPeople, type PeopleQuery, type PeoplePage } from './people.query.js';

export interface PeopleServiceDeps {
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  events: EventBus;
  lists: ListsService;
}

/** Manual work on people: create, edit, deactivate, reactivate, erase, and listing. */
export class PeopleService {
  constructor(private readonly deps: PeopleServiceDeps) {}

  /** One page of a list's people, with the total, in at most two SQL statements. */
  async page(em: EntityManager, viewer: Viewer, listId: string, query: PeopleQuery): Promise<PeoplePage> {
    if (!isUuid(listId)) throw errors.notFound('Master list', listId);
    const page = await queryPeople(em, viewer.organizationId, listId, query);
    if (!page) throw errors.notFound('Master list', listId);
    const key = query.sort?.field;
    if (key && !BUILT_IN_SORTS.has(key)) this.deps.lists.sortedBy(listId, key);
    return page;
  }

  async person(em: EntityManager, viewer: Viewer, id: string): Promise<Person> {
    const person = isUuid(id) ? await em.findOne(PersonSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!person) throw errors.notFound('Person', id);
    return person;
  }

  async create(em: EntityManager, viewer: Viewer, listId: string, input: Record<string, unknown>): Promise<Person> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    const { fields, uidField, locked } = await this.schemaOf(em, list);
    const values: PersonValues = {};
    for (const [key, raw] of Object.entries(input)) {
      const field = fieldFor(fields, key);
      const provider = locked.get(key);
      if (provider && raw !== null && raw !== undefined && raw !== '') throw errors.fieldLocked(key, provider);
      const value = normaliseValue(field, raw);
      if (value !== null) values[key] = value;
    }
    checkRequired(fields, values);
    const uid = uidText(values[uidField.key] ?? null)!;
    const now = this.deps.clock.now();
    return this.write(em, uid, async (tem) => {
      const person = tem.create(PersonSchema, {
        id: this.deps.ids.uuid(),
        organizationId: viewer.organizationId,
        listId: list.id,
        uid,
        status: 'ACTIVE',
        values,
        source: null,
        sourceAnchor: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
        deactivatedAt: null,
      });
      const changes = Object.entries(values).map(([field, after]) => ({ field, before: null, after }));
      await this.record(tem, viewer, person, 'person.created', changes);
      return person;
    });
  }

  /** Partial update: only the keys given change; null or "" clears a value. No-op edits write nothing. */
  async update(em: EntityManager, viewer: Viewer, id: string, input: Record<string, unknown>): Promise<Person> {
    requireRole(viewer, 'ADMIN');
    const person = await this.person(em, viewer, id);
    const list = await this.deps.lists.list(em, viewer, person.listId);
    const { fields, uidField, locked } = await this.schemaOf(em, list);
    const next: PersonValues = { ...person.values };
    const changes: FieldChange[] = [];
    for (const [key, raw] of Object.entries(input)) {
      const field = fieldFor(fields, key);
      const value = normaliseValue(field, raw);
      const before = person.values[key] ?? null;
      if (value === before) continue;
      const provider = locked.get(key);
      if (provider) throw errors.fieldLocked(key, provider);
      if (value === null) delete next[key];
      else next[key] = value;
      changes.push({ field: key, before, after: value });
    }
    if (changes.length === 0) return person;
    checkRequired(fields, next);
    const uid = uidText(next[uidField.key] ?? null)!;
    return this.write(em, uid, async (tem) => {
      const managed = tem.merge(PersonSchema, person);
      managed.values = next;
      managed.uid = uid;
      await this.record(tem, viewer, managed, 'person.updated', changes);
      return managed;
    });
  }

  async setActive(em: EntityManager, viewer: Viewer, id: string, active: boolean): Promise<Person> {
    requireRole(viewer, 'ADMIN');
    const person = await this.person(em, viewer, id);
    if ((person.status === 'ACTIVE') === active) return person;
    return this.write(em, person.uid, async (tem) => {
      const managed = tem.merge(PersonSchema, person);
      const before = managed.status;
      managed.status = active ? 'ACTIVE' : 'INACTIVE';
      managed.deactivatedAt = active ? null : this.deps.clock.now();
      await this.record(tem, viewer, managed, active ? 'person.reactivated' : 'person.deactivated', [
        { field: 'status', before, after: managed.status },
      ]);
      return managed;
    });
  }

  /**
   * Permanently removes a person (privacy requests). Owners only. Their past audit entries keep
   * who changed what and when, but lose the values; the erase itself is audited.
   */
  async erase(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    requireRole(viewer, 'OWNER');
    const person = await this.person(em, viewer, id);
    await em.transactional(async (tem) => {
      await this.deps.audit.scrubPerson(tem, viewer.organizationId, person.id);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: person.listId,
        personId: person.id,
        entityType: 'person',
        entityId: person.id,
        action: 'person.erased',
        actor: viewer.actor,
        changes: [],
      });
      await tem.nativeDelete(PersonSchema, { id: person.id, organizationId: viewer.organizationId });
      await this.publish(tem, viewer, person, 'person.erased');
    });
  }

  private async schemaOf(em: EntityManager, list: MasterList) {
    const fields = await this.deps.lists.fields(em, list.id);
    const uidField = fields.find((f) => f.id === list.uidFieldId);
    if (!uidField) throw new Error(`master list ${list.id} has no UID field`);
    const locked = await this.deps.lists.lockedFields(em, list);
    return { fields, uidField, locked };
  }

  private async write(em: EntityManager, uid: string, work: (tem: EntityManager) => Promise<Person>): Promise<Person> {
    try {
      return await em.transactional(work);
    } catch (err) {
      if (isUniqueViolation(err, 'person_uid_unique')) {
        throw errors.conflict(`Another person in this list already has the UID "${uid}".`, { uid });
      }
      if (err instanceof OptimisticLockError) {
        throw errors.conflict('Someone else changed this person at the same moment; reload it and make your change again.');
      }
      throw err;
    }
  }

  private async record(em: EntityManager, viewer: Viewer, person: Person, action: DomainEvent['type'], changes: FieldChange[]) {
    this.deps.audit.record(em, {
      organizationId: viewer.organizationId,
      listId: person.listId,
      personId: person.id,
      entityType: 'person',
      entityId: person.id,
      action,
      actor: viewer.actor,
      changes,
    });
    await this.publish(em, viewer, person, action);
  }

  private async publish(em: EntityManager, viewer: Viewer, person: Person, type: DomainEvent['type']) {
    await this.deps.events.publish(em, { type, organizationId: viewer.organizationId, listId: person.listId, personId: person.id });
  }
}

/** The field of `key`, or BAD_USER_INPUT naming the list's fields. */
export function fieldFor(fields: ListField[], key: string): ListField {
  const field = fields.find((f) => f.key === key);
  if (!field) {
    throw errors.badInput(`This list has no field "${key}". Its fields are: ${fields.map((f) => f.key).join(', ')}.`, key);
  }
  return field;
}

/** BAD_USER_INPUT when a required field has no value. */
export function checkRequired(fields: ListField[], values: PersonValues): void {
  for (const f of fields) {
    if (f.required && (values[f.key] === undefined || values[f.key] === null)) {
      throw errors.badInput(`"${f.label}" (${f.key}) is required.`, f.key);
    }
  }
}

import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { errors } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ListsService } from '../lists/lists.service.js';
import type { ListField } from '../lists/list.entities.js';
import { normaliseValue } from '../lists/field-values.js';
import type { PersonValues } from '../people/person.entity.js';
import { checkRequired, fieldFor } from '../people/people.service.js';
import { peopleConditions, type PeopleQuery } from '../people/people.query.js';
import { clampPageSize } from '../shared/pagination.js';

export interface SessionsServiceDeps {
  clock: Clock;
  ids: IdGenerator;
  audit: AuditService;
  lists: ListsService;
}

/** A session: a snapshot of a list's matching people whose copy is edited apart from the list. */
export interface Session {
  id: string;
  organizationId: string;
  listId: string;
  name: string;
  filter: SessionFilter;
  peopleCount: number;
  createdBy: string;
  createdAt: Date;
}

/** Which people a session takes: the people listing's status, search and field filters. */
export type SessionFilter = Pick<PeopleQuery, 'status' | 'search' | 'filters'>;

/** One person in a session: the snapshot (base) and the session's copy. */
export interface SessionPerson {
  sessionId: string;
  personId: string;
  uid: string;
  base: PersonValues;
  values: PersonValues;
  updatedAt: Date;
}

export type PhotoStatus = 'PENDING' | 'APPROVED' | 'REJECTED';

/** A photo uploaded for a person in a session, awaiting approval or decided. */
export interface SessionPhoto {
  id: string;
  sessionId: string;
  personId: string;
  contentType: string;
  sha256: string;
  status: PhotoStatus;
  uploadedBy: string;
  uploadedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  /** Where Rollcall serves it; the value the photo field takes once approved. */
  url: string;
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Photos travel as data URLs in a GraphQL request (1 MB body limit), so 700 KB of image at most. */
export const MAX_PHOTO_BYTES = 700 * 1024;
const DATA_URL = /^data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]+)$/;
/** Leading bytes of each accepted image type, so a renamed file of another kind is refused. */
const SIGNATURES: Record<string, number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47],
  'image/gif': [0x47, 0x49, 0x46, 0x38],
  'image/webp': [0x52, 0x49, 0x46, 0x46],
};

/** The address of a session photo, also the value its person's photo field takes once approved. */
export function sessionPhotoUrl(id: string, sha256: string): string {
  return `/session-photos/${id}?v=${sha256.slice(0, 16)}`;
}

const SESSION_COLUMNS = `id, organization_id, list_id, name, filter, people_count, created_by, created_at`;
const toSession = (r: Record<string, unknown>): Session => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  listId: r.list_id as string,
  name: r.name as string,
  filter: r.filter as SessionFilter,
  peopleCount: Number(r.people_count),
  createdBy: r.created_by as string,
  createdAt: new Date(r.created_at as string),
});
const toSessionPerson = (r: Record<string, unknown>): SessionPerson => ({
  sessionId: r.session_id as string,
  personId: r.person_id as string,
  uid: r.uid as string,
  base: r.base as PersonValues,
  values: r.values as PersonValues,
  updatedAt: new Date(r.updated_at as string),
});
const PHOTO_COLUMNS = `id, session_id, person_id, content_type, sha256, status, uploaded_by, uploaded_at, decided_by, decided_at`;
const toPhoto = (r: Record<string, unknown>): SessionPhoto => ({
  id: r.id as string,
  sessionId: r.session_id as string,
  personId: r.person_id as string,
  contentType: r.content_type as string,
  sha256: r.sha256 as string,
  status: r.status as PhotoStatus,
  uploadedBy: r.uploaded_by as string,
  uploadedAt: new Date(r.uploaded_at as string),
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: r.decided_at ? new Date(r.decided_at as string) : null,
  url: sessionPhotoUrl(r.id as string, r.sha256 as string),
});

/** Sessions: snapshot, edits of the session copy, photos. The master list is never written here. */
export class SessionsService {
  constructor(private readonly deps: SessionsServiceDeps) {}

  /**
   * Takes a snapshot of the people the filter matches (one INSERT … SELECT, whatever their
   * number): each person's values now are the session's base and its first copy.
   */
  async create(em: EntityManager, viewer: Viewer, listId: string, name: string, filter: SessionFilter): Promise<Session> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw errors.badInput('A session name needs 1 to 200 characters.', 'name');
    const where = peopleConditions(filter);
    const id = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    const stored: SessionFilter = { status: filter.status ?? 'ACTIVE', search: filter.search ?? null, filters: filter.filters ?? [] };
    return em.transactional(async (tem) => {
      await tem.execute(`INSERT INTO list_session (id, organization_id, list_id, name, filter, created_by, created_at) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)`, [
        id, viewer.organizationId, list.id, trimmed, JSON.stringify(stored), viewer.actor.label, now,
      ]);
      const [row] = await tem.execute<Array<{ n: number }>>(
        `WITH taken AS (
           INSERT INTO session_person (session_id, person_id, uid, base, "values", updated_at)
           SELECT ?, p.id, p.uid, p."values", p."values", ? FROM person p
            WHERE p.list_id = ? AND p.organization_id = ?${where.sql.map((c) => ` AND ${c}`).join('')}
           RETURNING 1
         )
         UPDATE list_session SET people_count = (SELECT count(*) FROM taken) WHERE id = ? RETURNING people_count AS n`,
        [id, now, list.id, viewer.organizationId, ...where.params, id],
      );
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId, listId: list.id, entityType: 'session', entityId: id, action: 'session.created', actor: viewer.actor,
        changes: [{ field: 'name', before: null, after: trimmed }, { field: 'people', before: null, after: row?.n ?? 0 }],
      });
      return { id, organizationId: viewer.organizationId, listId: list.id, name: trimmed, filter: stored, peopleCount: row?.n ?? 0, createdBy: viewer.actor.label, createdAt: now };
    });
  }

  /** A session of the caller's organisation, or NOT_FOUND. */
  async session(em: EntityManager, viewer: Viewer, id: string): Promise<Session> {
    const rows = isUuid(id) ? await em.execute(`SELECT ${SESSION_COLUMNS} FROM list_session WHERE id = ? AND organization_id = ?`, [id, viewer.organizationId]) : [];
    if (!rows[0]) throw errors.notFound('Session', id);
    return toSession(rows[0]);
  }

  /** A list's sessions, newest first. */
  async sessions(em: EntityManager, viewer: Viewer, listId: string): Promise<Session[]> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const rows = await em.execute(`SELECT ${SESSION_COLUMNS} FROM list_session WHERE list_id = ? AND organization_id = ? ORDER BY created_at DESC, id`, [list.id, viewer.organizationId]);
    return rows.map(toSession);
  }

  /** A page of a session's people in UID order (keyset on UID, person id). */
  async people(em: EntityManager, session: Session, first: number | null, after: string | null, search: string | null): Promise<{ people: SessionPerson[]; hasNextPage: boolean }> {
    const limit = clampPageSize(first, 100, 500);
    const params: unknown[] = [session.id];
    let where = '';
    if (after) {
      where += ` AND uid > ?`;
      params.push(after);
    }
    const q = search?.trim().toLowerCase();
    if (q) {
      // Values only (not the keys), as the people listing searches them.
      where += ` AND (lower(uid) LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM jsonb_each_text("values") v WHERE lower(v.value) LIKE ? ESCAPE '\\'))`;
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like);
    }
    const rows = await em.execute(`SELECT * FROM session_person WHERE session_id = ?${where} ORDER BY uid, person_id LIMIT ?`, [...params, limit + 1]);
    return { people: rows.slice(0, limit).map(toSessionPerson), hasNextPage: rows.length > limit };
  }

  /** One person of a session, or NOT_FOUND. */
  async person(em: EntityManager, session: Session, personId: string): Promise<SessionPerson> {
    const rows = isUuid(personId) ? await em.execute(`SELECT * FROM session_person WHERE session_id = ? AND person_id = ?`, [session.id, personId]) : [];
    if (!rows[0]) throw errors.notFound('Person in this session', personId);
    return toSessionPerson(rows[0]);
  }

  /**
   * Changes the session's copy of a person: only the given keys, validated against the list's
   * field types; null or "" clears. Fields locked by a sync may be edited here: saving shows them
   * as blocked with the reason.
   */
  async editPerson(em: EntityManager, viewer: Viewer, sessionId: string, personId: string, input: Record<string, unknown>): Promise<SessionPerson> {
    requireRole(viewer, 'ADMIN');
    const session = await this.session(em, viewer, sessionId);
    const person = await this.person(em, session, personId);
    const fields = await this.deps.lists.fields(em, session.listId);
    const next: PersonValues = { ...person.values };
    for (const [key, raw] of Object.entries(input)) {
      const value = normaliseValue(fieldFor(fields, key), raw);
      if (value === null) delete next[key];
      else next[key] = value;
    }
    checkRequired(fields, next);
    const rows = await em.execute(`UPDATE session_person SET "values" = ?::jsonb, updated_at = ? WHERE session_id = ? AND person_id = ? RETURNING *`, [
      JSON.stringify(next), this.deps.clock.now(), session.id, person.personId,
    ]);
    return toSessionPerson(rows[0]!);
  }

  /** The list's photo field (the first PHOTO field), or BAD_USER_INPUT. */
  async photoField(em: EntityManager, listId: string): Promise<ListField> {
    const field = (await this.deps.lists.fields(em, listId)).find((f) => f.type === 'PHOTO');
    if (!field) throw errors.badInput('This list has no photo field; add a field of type Photo to the list first.', 'photo');
    return field;
  }

  /** Stores an uploaded photo (a data: URL of a JPEG, PNG, GIF or WebP image) as PENDING. */
  async uploadPhoto(em: EntityManager, viewer: Viewer, sessionId: string, personId: string, dataUrl: string): Promise<SessionPhoto> {
    requireRole(viewer, 'ADMIN');
    const session = await this.session(em, viewer, sessionId);
    const person = await this.person(em, session, personId);
    await this.photoField(em, session.listId);
    const m = DATA_URL.exec(dataUrl.trim());
    if (!m || !IMAGE_TYPES.has(m[1]!)) throw errors.badInput('Upload a JPEG, PNG, GIF or WebP image (as a data: URL).', 'photo');
    const bytes = Buffer.from(m[2]!, 'base64');
    if (bytes.length === 0 || bytes.length > MAX_PHOTO_BYTES) throw errors.badInput(`A photo may have at most ${MAX_PHOTO_BYTES / 1024} KB; make it smaller and upload it again.`, 'photo');
    if (!SIGNATURES[m[1]!]!.every((b, i) => bytes[i] === b)) throw errors.badInput(`The file is not a ${m[1]} image; upload a JPEG, PNG, GIF or WebP image.`, 'photo');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const rows = await em.execute(
      `INSERT INTO session_photo (id, organization_id, session_id, person_id, content, content_type, sha256, status, uploaded_by, uploaded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?) RETURNING ${PHOTO_COLUMNS}`,
      [this.deps.ids.uuid(), viewer.organizationId, session.id, person.personId, bytes, m[1], sha, viewer.actor.label, this.deps.clock.now()],
    );
    return toPhoto(rows[0]!);
  }

  /**
   * Approves or rejects a photo. An approved photo becomes the session value of the person's photo
   * field (another approved photo of the person is rejected); rejecting the approved one puts the
   * snapshot's value back. Saving the session then carries it like any other edit.
   */
  async decidePhoto(em: EntityManager, viewer: Viewer, photoId: string, approve: boolean): Promise<SessionPhoto> {
    requireRole(viewer, 'ADMIN');
    const found = isUuid(photoId) ? await em.execute(`SELECT ${PHOTO_COLUMNS} FROM session_photo WHERE id = ? AND organization_id = ?`, [photoId, viewer.organizationId]) : [];
    if (!found[0]) throw errors.notFound('Photo', photoId);
    const photo = toPhoto(found[0]);
    const session = await this.session(em, viewer, photo.sessionId);
    const field = await this.photoField(em, session.listId);
    const now = this.deps.clock.now();
    return em.transactional(async (tem) => {
      if (approve) {
        await tem.execute(`UPDATE session_photo SET status = 'REJECTED', decided_by = ?, decided_at = ? WHERE session_id = ? AND person_id = ? AND status = 'APPROVED' AND id <> ?`, [
          viewer.actor.label, now, photo.sessionId, photo.personId, photo.id,
        ]);
        await tem.execute(`UPDATE session_person SET "values" = jsonb_set("values", ARRAY[?], to_jsonb(?::text)), updated_at = ? WHERE session_id = ? AND person_id = ?`, [
          field.key, photo.url, now, photo.sessionId, photo.personId,
        ]);
      } else if (photo.status === 'APPROVED') {
        await tem.execute(
          `UPDATE session_person SET "values" = CASE WHEN jsonb_exists(base, ?) THEN jsonb_set("values", ARRAY[?], base->?) ELSE "values" - ? END, updated_at = ?
            WHERE session_id = ? AND person_id = ? AND "values"->>? = ?`,
          [field.key, field.key, field.key, field.key, now, photo.sessionId, photo.personId, field.key, photo.url],
        );
      }
      const rows = await tem.execute(`UPDATE session_photo SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? RETURNING ${PHOTO_COLUMNS}`, [
        approve ? 'APPROVED' : 'REJECTED', viewer.actor.label, now, photo.id,
      ]);
      return toPhoto(rows[0]!);
    });
  }

  /** The photos uploaded in a session for the given people, newest first. */
  async photos(em: EntityManager, sessionId: string, personIds: readonly string[]): Promise<SessionPhoto[]> {
    if (personIds.length === 0) return [];
    const rows = await em.execute(`SELECT ${PHOTO_COLUMNS} FROM session_photo WHERE session_id = ? AND person_id = ANY(?::uuid[]) ORDER BY uploaded_at DESC, id`, [
      sessionId, `{${personIds.join(',')}}`,
    ]);
    return rows.map(toPhoto);
  }
}

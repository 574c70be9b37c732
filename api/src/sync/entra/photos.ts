import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { Actor } from '../../audit/audit-entry.entity.js';
import { CHANNEL } from '../../events/event-bus.js';
import { PHOTO_PATH } from '../../lists/field-values.js';
import type { GraphReader } from './graph-reader.js';

const BATCH_SIZE = 20;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Entra profile photos are small (at most a few hundred KB); anything larger is refused. */
const MAX_BYTES = 4 * 1024 * 1024;

export interface PhotoSyncOptions {
  organizationId: string;
  listId: string;
  /** The PHOTO field the `photo` attribute is mapped onto. */
  fieldKey: string;
  /** Only these people (by anchor); all of the source's active people when null. */
  anchors: ReadonlySet<string> | null;
  actor: Actor;
  now: Date;
}

export interface PhotoSyncResult {
  checked: number;
  imported: number;
  removed: number;
}

interface Candidate {
  id: string;
  anchor: string;
  value: string | null;
  etag: string | null;
  sha: string | null;
}

/**
 * Brings Entra profile photos into a list's PHOTO field. Graph's delta does not report photo
 * changes, so each photo's version tag (`@odata.mediaEtag`, read twenty at a time through JSON
 * batches) is compared with the stored one, and only changed photos are downloaded; a download
 * whose content hash is unchanged writes nothing. A photo captured or set in Rollcall (any value
 * other than Rollcall's own /photos/ address) is never overwritten or removed.
 */
export async function syncPhotos(em: EntityManager, reader: GraphReader, o: PhotoSyncOptions): Promise<PhotoSyncResult> {
  const rows = await em.execute<Array<{ id: string; source_anchor: string; value: string | null; source_etag: string | null; sha256: string | null }>>(
    `SELECT p.id, p.source_anchor, p."values"->>? AS value, ph.source_etag, ph.sha256
       FROM person p LEFT JOIN person_photo ph ON ph.person_id = p.id
      WHERE p.list_id = ? AND p.source = 'entra' AND p.status = 'ACTIVE' AND p.source_anchor IS NOT NULL
        ${o.anchors ? 'AND p.source_anchor = ANY(?::text[])' : ''}`,
    [o.fieldKey, o.listId, ...(o.anchors ? [`{${[...o.anchors].map((a) => `"${a.replace(/"/g, '')}"`).join(',')}}`] : [])],
  );
  const candidates: Candidate[] = rows
    .filter((r) => !r.value || (PHOTO_PATH.test(r.value) && r.value.startsWith(`/photos/${r.id}?`)))
    .map((r) => ({ id: r.id, anchor: r.source_anchor, value: r.value, etag: r.source_etag, sha: r.sha256 }));
  const result: PhotoSyncResult = { checked: candidates.length, imported: 0, removed: 0 };

  for (let i = 0; i < candidates.length; i += BATCH_SIZE) {
    const batch = candidates.slice(i, i + BATCH_SIZE);
    const meta = await reader.post<{ responses: Array<{ id: string; status: number; body: Record<string, unknown> }> }>('/$batch', {
      requests: batch.map((c, k) => ({ id: String(k), method: 'GET', url: `/users/${encodeURIComponent(c.anchor)}/photo` })),
    });
    for (const r of meta.responses) {
      const c = batch[Number(r.id)]!;
      if (r.status === 404) {
        if (c.value) {
          await setPhoto(em, o, c, null, null);
          result.removed += 1;
        }
        continue;
      }
      if (r.status !== 200) continue; // throttled or failing: the next run tries again
      const etag = typeof r.body['@odata.mediaEtag'] === 'string' ? (r.body['@odata.mediaEtag'] as string) : null;
      if (etag && etag === c.etag && c.value) continue;
      const contentType = String(r.body['@odata.mediaContentType'] ?? 'image/jpeg').toLowerCase();
      if (!IMAGE_TYPES.has(contentType)) continue;
      const bytes = Buffer.from(await reader.get<ArrayBuffer>(`/users/${encodeURIComponent(c.anchor)}/photo/$value`, { responseType: ResponseType.ARRAYBUFFER }));
      if (bytes.length === 0 || bytes.length > MAX_BYTES) continue;
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha === c.sha && c.value) {
        await em.execute(`UPDATE person_photo SET source_etag = ? WHERE person_id = ?`, [etag, c.id]);
        continue;
      }
      await setPhoto(em, o, c, { bytes, contentType, sha, etag }, `/photos/${c.id}?v=${sha.slice(0, 16)}`);
      result.imported += 1;
    }
  }
  return result;
}

/** Stores (or removes) one person's photo and points the field at it, audited and announced. */
async function setPhoto(em: EntityManager, o: PhotoSyncOptions, c: Candidate, photo: { bytes: Buffer; contentType: string; sha: string; etag: string | null } | null, value: string | null): Promise<void> {
  await em.transactional(async (tem) => {
    if (photo) {
      await tem.execute(
        `INSERT INTO person_photo (person_id, organization_id, list_id, content, content_type, sha256, source_etag, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id) DO UPDATE SET content = EXCLUDED.content, content_type = EXCLUDED.content_type, sha256 = EXCLUDED.sha256,
           source_etag = EXCLUDED.source_etag, updated_at = EXCLUDED.updated_at`,
        [c.id, o.organizationId, o.listId, photo.bytes, photo.contentType, photo.sha, photo.etag, o.now],
      );
    } else {
      await tem.execute(`DELETE FROM person_photo WHERE person_id = ?`, [c.id]);
    }
    // Only while the field still holds Rollcall's own photo (or nothing): a photo set by hand meanwhile wins.
    const updated = await tem.execute<Array<{ id: string }>>(
      `UPDATE person SET "values" = CASE WHEN ?::text IS NULL THEN "values" - ? ELSE jsonb_set("values", ARRAY[?], to_jsonb(?::text)) END,
              version = version + 1, updated_at = ?
        WHERE id = ? AND coalesce("values"->>?, '') = coalesce(?::text, '') RETURNING id`,
      [value, o.fieldKey, o.fieldKey, value, o.now, c.id, o.fieldKey, c.value],
    );
    if (updated.length === 0) return;
    await tem.execute(
      `INSERT INTO audit_entry (id, organization_id, list_id, person_id, entity_type, entity_id, action, actor_type, actor_id, actor_label, changes, at)
       VALUES (gen_random_uuid(), ?, ?, ?, 'person', ?, 'person.updated', ?, ?, ?, ?::jsonb, ?)`,
      [o.organizationId, o.listId, c.id, c.id, o.actor.type, o.actor.id, o.actor.label, JSON.stringify([{ field: o.fieldKey, before: c.value, after: value }]), o.now],
    );
    await tem.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify({ type: 'person.updated', organizationId: o.organizationId, listId: o.listId, personId: c.id })]);
  });
}

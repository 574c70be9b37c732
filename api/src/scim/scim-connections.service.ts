import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { isUuid } from '../shared/ids.js';
import { AppError, errors } from '../shared/errors.js';
import type { Viewer } from '../auth/viewer.js';
import { requireRole } from '../auth/viewer.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ListsService } from '../lists/lists.service.js';
import { providerLabel } from '../lists/lists.service.js';
import type { ListField } from '../lists/list.entities.js';
import { TRANSFORMS, type Transform } from '../sync/engine/mapping.js';
import { displayPrefix, hashToken, mintToken, parseToken, tokenMatches } from '../auth/tokens.js';
import type { DomainEvent } from '../events/event-bus.js';
import { DEFAULT_FIELDS, UID_FIELDS, isMappableAttribute, type ScimUniqueIdentifier } from './catalogue.js';

export const SCIM_PROVIDER = 'scim';

/** Where a list's SCIM service lives, below the server's origin. */
export function scimBasePath(listId: string): string {
  return `/scim/v2/lists/${listId}`;
}

export interface ScimMappingView {
  sourceAttribute: string;
  transform: Transform;
  field: ListField;
}

export interface ScimConnectionView {
  listId: string;
  connected: boolean;
  uniqueIdentifier: ScimUniqueIdentifier | null;
  basePath: string;
  mappings: ScimMappingView[];
}

export interface ScimTokenView {
  id: string;
  listId: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The list, organisation and token a SCIM request authenticated as. */
export interface ScimCaller {
  tokenId: string;
  listId: string;
  organizationId: string;
}

export interface ScimMappingInput {
  sourceAttribute: string;
  fieldKey: string;
  transform?: Transform | null;
}

type TokenRow = { id: string; list_id: string; prefix: string; created_by: string; created_at: string; last_used_at: string | null; revoked_at: string | null };
const toToken = (r: TokenRow): ScimTokenView => ({
  id: r.id,
  listId: r.list_id,
  prefix: r.prefix,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
});

/** How often a token's last use is written at most: a busy IdP must not write a row per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** SCIM provisioning of lists as administrators manage it: connection, mappings and bearer tokens. */
/** How long a checked token is trusted without reading it again (a revocation reaches every process at once through the event bus). */
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 10_000;

export class ScimConnectionsService {
  /** Tokens checked recently: their hash and caller, so a request costs no statement to authenticate. */
  private readonly checked = new Map<string, { hash: Buffer; caller: ScimCaller; lastUsedAt: number; until: number }>();

  constructor(private readonly deps: { clock: Clock; ids: IdGenerator; audit: AuditService; lists: ListsService; bus?: { subscribe(handler: (event: DomainEvent) => void): () => void } }) {
    // A database trigger announces every revoked or deleted token, from whichever process or path.
    deps.bus?.subscribe((e) => {
      if (e.type === 'scim_token.revoked') this.checked.delete(e.tokenId);
    });
  }

  /** Forgets the checked tokens of a list (disconnect), in this process at once; the others hear it from the trigger. */
  forgetList(listId: string): void {
    for (const [id, t] of this.checked) if (t.caller.listId === listId) this.checked.delete(id);
  }

  /**
   * Connects a list to SCIM with the chosen visible UID: creates the 9 default fields (and a
   * Username field for the USERNAME choice) with their mappings when missing, makes the chosen
   * field the UID, and makes SCIM the list's provider, in one transaction. Refused when another
   * provider syncs the list. Connecting again changes the UID choice and keeps other mappings.
   */
  async connect(em: EntityManager, viewer: Viewer, listId: string, uid: ScimUniqueIdentifier): Promise<ScimConnectionView> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    if (list.syncProvider && list.syncProvider !== SCIM_PROVIDER) {
      throw errors.conflict(
        `This list is synced by ${providerLabel(list.syncProvider)}; a list has one sync provider. Disconnect it on the Sync tab first to use SCIM provisioning.`,
        { provider: list.syncProvider },
      );
    }
    const uidField = UID_FIELDS[uid];
    if (!uidField) throw errors.badInput('Choose EMPLOYEE_NUMBER, USERNAME or EMAIL as the unique identifier.', 'uniqueIdentifier');
    const wanted = DEFAULT_FIELDS.some((f) => f.key === uidField.key) ? DEFAULT_FIELDS : [...DEFAULT_FIELDS, uidField];
    const now = this.deps.clock.now();
    await em.transactional(async (tem) => {
      await tem.execute(`SELECT 1 FROM master_list WHERE id = ? FOR UPDATE`, [list.id]);
      const fields = new Map((await this.deps.lists.fields(tem, list.id)).map((f) => [f.key, f]));
      for (const d of wanted) {
        if (!fields.has(d.key)) fields.set(d.key, await this.deps.lists.addField(tem, viewer, list.id, { key: d.key, label: d.label, type: d.type }));
      }
      const target = fields.get(uidField.key)!;
      if (list.uidFieldId !== target.id) {
        try {
          await this.deps.lists.setUidField(tem, viewer, list.id, target.id);
        } catch (err) {
          if (err instanceof AppError) throw new AppError(err.code, err.message, { ...err.details, field: 'uniqueIdentifier' });
          throw err;
        }
      }
      // Defaults fill only fields that SCIM does not map yet: an edited mapping is kept.
      for (const d of wanted) {
        await tem.execute(
          `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (list_id, provider, field_id) DO NOTHING`,
          [this.deps.ids.uuid(), viewer.organizationId, list.id, fields.get(d.key)!.id, SCIM_PROVIDER, d.attribute, d.transform],
        );
      }
      const [before] = await tem.execute<Array<{ unique_identifier: string }>>(`SELECT unique_identifier FROM scim_connection WHERE list_id = ?`, [list.id]);
      await tem.execute(
        `INSERT INTO scim_connection (list_id, organization_id, unique_identifier, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (list_id) DO UPDATE SET unique_identifier = EXCLUDED.unique_identifier, updated_at = EXCLUDED.updated_at`,
        [list.id, viewer.organizationId, uid, now, now],
      );
      await tem.execute(`UPDATE master_list SET sync_provider = ?, updated_at = ? WHERE id = ?`, [SCIM_PROVIDER, now, list.id]);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'sync.configured',
        actor: viewer.actor,
        changes: [
          { field: 'syncProvider', before: list.syncProvider, after: SCIM_PROVIDER },
          { field: 'uniqueIdentifier', before: before?.unique_identifier ?? null, after: uid },
        ],
      });
    });
    em.clear();
    return this.connection(em, viewer, list.id);
  }

  /** A list's SCIM connection: UID choice, base path and mappings (connected false when not). */
  async connection(em: EntityManager, viewer: Viewer, listId: string): Promise<ScimConnectionView> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const connected = list.syncProvider === SCIM_PROVIDER;
    const [row] = connected ? await em.execute<Array<{ unique_identifier: ScimUniqueIdentifier }>>(`SELECT unique_identifier FROM scim_connection WHERE list_id = ?`, [list.id]) : [];
    const fields = new Map((await this.deps.lists.fields(em, list.id)).map((f) => [f.id, f]));
    const rows = connected
      ? await em.execute<Array<{ source_attribute: string; transform: Transform; field_id: string }>>(
          `SELECT m.source_attribute, m.transform, m.field_id FROM field_mapping m JOIN list_field f ON f.id = m.field_id
            WHERE m.list_id = ? AND m.provider = ? ORDER BY f.position`,
          [list.id, SCIM_PROVIDER],
        )
      : [];
    return {
      listId: list.id,
      connected,
      uniqueIdentifier: row?.unique_identifier ?? null,
      basePath: scimBasePath(list.id),
      mappings: rows.map((r) => ({ sourceAttribute: r.source_attribute, transform: r.transform, field: fields.get(r.field_id)! })),
    };
  }

  /**
   * Replaces the list's SCIM mappings (the mapping editor's Save): each attribute onto one field,
   * each field from one attribute, and the UID field always mapped.
   */
  async setMappings(em: EntityManager, viewer: Viewer, listId: string, input: ScimMappingInput[]): Promise<ScimConnectionView> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    if (list.syncProvider !== SCIM_PROVIDER) throw errors.conflict('This list is not connected to SCIM; connect it on the Sync tab first.');
    const fields = new Map((await this.deps.lists.fields(em, list.id)).map((f) => [f.key, f]));
    const seenFields = new Set<string>();
    for (const [i, m] of input.entries()) {
      if (!isMappableAttribute(m.sourceAttribute)) throw errors.badInput(`Mapping ${i + 1}: "${m.sourceAttribute}" is not a SCIM user attribute (such as name.givenName) or a custom extension attribute (urn:…:attribute).`, `mappings.${i}.sourceAttribute`);
      if (!fields.has(m.fieldKey)) throw errors.badInput(`Mapping ${i + 1}: the list has no field "${m.fieldKey}"; add it on the Fields tab first.`, `mappings.${i}.fieldKey`);
      if (seenFields.has(m.fieldKey)) throw errors.badInput(`Two SCIM attributes map onto "${m.fieldKey}"; a field has one source.`, `mappings.${i}.fieldKey`);
      if (m.transform && !TRANSFORMS.includes(m.transform)) throw errors.badInput(`Unknown transform "${m.transform}".`, `mappings.${i}.transform`);
      seenFields.add(m.fieldKey);
    }
    const uidKey = [...fields.values()].find((f) => f.id === list.uidFieldId)?.key;
    if (uidKey && !seenFields.has(uidKey)) throw errors.badInput(`"${uidKey}" is the list's UID: keep it mapped, so every provisioned person has one.`, 'mappings');
    const before = await this.connection(em, viewer, list.id);
    await em.transactional(async (tem) => {
      await tem.execute(`DELETE FROM field_mapping WHERE list_id = ? AND provider = ?`, [list.id, SCIM_PROVIDER]);
      for (const m of input) {
        await tem.execute(
          `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform) VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [this.deps.ids.uuid(), viewer.organizationId, list.id, fields.get(m.fieldKey)!.id, SCIM_PROVIDER, m.sourceAttribute, m.transform ?? 'DIRECT'],
        );
      }
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'sync.mappings_changed',
        actor: viewer.actor,
        changes: [
          {
            field: 'mappings',
            before: Object.fromEntries(before.mappings.map((m) => [m.sourceAttribute, m.field.key])),
            after: Object.fromEntries(input.map((m) => [m.sourceAttribute, m.fieldKey])),
          },
        ],
      });
    });
    em.clear();
    return this.connection(em, viewer, list.id);
  }

  /** Mints a bearer token for the list's SCIM service: returned once, only its hash is kept. */
  async generateToken(em: EntityManager, viewer: Viewer, listId: string): Promise<{ token: string; record: ScimTokenView }> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    if (list.syncProvider !== SCIM_PROVIDER) throw errors.conflict('Connect this list to SCIM on its Sync tab before generating a token.');
    const id = this.deps.ids.uuid();
    const token = mintToken('sct', id, this.deps.ids);
    const now = this.deps.clock.now();
    await em.transactional(async (tem) => {
      await tem.execute(
        `INSERT INTO scim_token (id, organization_id, list_id, prefix, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, viewer.organizationId, list.id, displayPrefix(token), hashToken(token), viewer.actor.label, now],
      );
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'scim_token.created',
        actor: viewer.actor,
        changes: [{ field: 'token', before: null, after: displayPrefix(token) }],
      });
    });
    return { token, record: (await this.tokens(em, viewer, list.id)).find((t) => t.id === id)! };
  }

  /** The list's tokens, newest first, revoked ones included (with when). */
  async tokens(em: EntityManager, viewer: Viewer, listId: string): Promise<ScimTokenView[]> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const rows = await em.execute<TokenRow[]>(
      `SELECT id, list_id, prefix, created_by, created_at, last_used_at, revoked_at FROM scim_token WHERE list_id = ? ORDER BY created_at DESC, id`,
      [list.id],
    );
    return rows.map(toToken);
  }

  /** Revokes a token: the next request with it gets 401. */
  async revokeToken(em: EntityManager, viewer: Viewer, id: string): Promise<ScimTokenView> {
    requireRole(viewer, 'ADMIN');
    const [row] = isUuid(id)
      ? await em.execute<TokenRow[]>(`SELECT id, list_id, prefix, created_by, created_at, last_used_at, revoked_at FROM scim_token WHERE id = ? AND organization_id = ?`, [id, viewer.organizationId])
      : [];
    if (!row) throw errors.notFound('SCIM token', id);
    if (row.revoked_at) return toToken(row);
    const now = this.deps.clock.now();
    await em.transactional(async (tem) => {
      await tem.execute(`UPDATE scim_token SET revoked_at = ? WHERE id = ?`, [now, id]);
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: row.list_id,
        entityType: 'master_list',
        entityId: row.list_id,
        action: 'scim_token.revoked',
        actor: viewer.actor,
        changes: [{ field: 'token', before: row.prefix, after: null }],
      });
    });
    // This process forgets it now; the others when the trigger's event reaches them (milliseconds).
    this.checked.delete(id);
    return { ...toToken(row), revokedAt: now };
  }

  /**
   * The caller of a SCIM request, or null for a missing, malformed, unknown or revoked token. The
   * row is found by the id inside the token and the whole token compared by hash in constant time.
   */
  async authenticate(em: EntityManager, token: string): Promise<ScimCaller | null> {
    const parsed = parseToken(token, ['sct']);
    if (!parsed) return null;
    const now = this.deps.clock.now().getTime();
    const known = this.checked.get(parsed.rowId);
    if (known && known.until > now) {
      if (!tokenMatches(token, known.hash)) return null;
      this.touch(em, parsed.rowId, known, now);
      return known.caller;
    }
    const [row] = await em.execute<Array<{ token_hash: Buffer; revoked_at: string | null; last_used_at: string | null; list_id: string; organization_id: string; sync_provider: string | null }>>(
      `SELECT t.token_hash, t.revoked_at, t.last_used_at, t.list_id, t.organization_id, l.sync_provider
         FROM scim_token t JOIN master_list l ON l.id = t.list_id WHERE t.id = ?`,
      [parsed.rowId],
    );
    if (!row || !tokenMatches(token, row.token_hash) || row.revoked_at || row.sync_provider !== SCIM_PROVIDER) return null;
    const entry = { hash: row.token_hash, caller: { tokenId: parsed.rowId, listId: row.list_id, organizationId: row.organization_id }, lastUsedAt: row.last_used_at ? new Date(row.last_used_at).getTime() : 0, until: now + TOKEN_CACHE_MS };
    // Only valid tokens are kept, so unknown ones cannot fill the map; it is bounded all the same.
    if (this.checked.size >= TOKEN_CACHE_MAX) this.checked.clear();
    this.checked.set(parsed.rowId, entry);
    this.touch(em, parsed.rowId, entry, now);
    return entry.caller;
  }

  /** Records the token's last use, at most once a minute. */
  private touch(em: EntityManager, tokenId: string, entry: { lastUsedAt: number }, now: number): void {
    if (now - entry.lastUsedAt <= LAST_USED_RESOLUTION_MS) return;
    entry.lastUsedAt = now;
    // Fire and forget: a lost last-use update must never fail the request it describes.
    void em.getConnection().execute(`UPDATE scim_token SET last_used_at = ? WHERE id = ?`, [new Date(now), tokenId]).catch(() => undefined);
  }
}

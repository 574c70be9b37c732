import { recordCredentialCheck } from './credential-health.js';
import { announceAlertsChanged } from '../../events/event-bus.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUuid } from '../../shared/ids.js';
import { AppError, errors, isUniqueViolation } from '../../shared/errors.js';
import type { SecretBox } from '../../shared/secret-box.js';
import type { Viewer } from '../../auth/viewer.js';
import { requireRole } from '../../auth/viewer.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { FieldChange } from '../../audit/audit-entry.entity.js';
import { ENTRA_CLOUDS, type EntraCloud } from './clouds.js';
import { EntraConnectionSchema, type EntraConnection } from './entra-connection.entity.js';
import { MasterListSchema, type MasterList } from '../../lists/list.entities.js';

export interface EntraConnectionInput {
  name: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  cloud?: EntraCloud | null;
  secretExpiresAt?: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A tenant is named by its id or by one of its verified domains (contoso.onmicrosoft.com).
const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Entra connections: created, edited, listed and removed; the secret goes in and never out. */
export class EntraConnectionsService {
  constructor(
    private readonly deps: { clock: Clock; ids: IdGenerator; audit: AuditService; secrets: SecretBox },
  ) {}

  async list(em: EntityManager, viewer: Viewer): Promise<EntraConnection[]> {
    return em.find(EntraConnectionSchema, { organizationId: viewer.organizationId }, { orderBy: { name: 'asc' } });
  }

  async get(em: EntityManager, viewer: Viewer, id: string): Promise<EntraConnection> {
    const c = isUuid(id) ? await em.findOne(EntraConnectionSchema, { id, organizationId: viewer.organizationId }) : null;
    if (!c) throw errors.notFound('Entra connection', id);
    return c;
  }

  async create(em: EntityManager, viewer: Viewer, input: EntraConnectionInput): Promise<EntraConnection> {
    requireRole(viewer, 'ADMIN');
    const v = validate(input, true);
    const now = this.deps.clock.now();
    const c = em.create(EntraConnectionSchema, {
      id: this.deps.ids.uuid(),
      organizationId: viewer.organizationId,
      name: v.name!,
      tenantId: v.tenantId!,
      clientId: v.clientId!,
      clientSecretSealed: this.deps.secrets.encrypt(v.clientSecret!),
      cloud: v.cloud ?? 'GLOBAL',
      secretExpiresAt: v.secretExpiresAt ?? null,
      lastTestedAt: null,
      lastTestOk: null,
      lastTestMessage: null,
      lastTestProblem: null,
      createdAt: now,
      updatedAt: now,
    });
    this.record(em, viewer, c.id, 'entra_connection.created', [
      { field: 'name', before: null, after: c.name },
      { field: 'tenantId', before: null, after: c.tenantId },
      { field: 'clientId', before: null, after: c.clientId },
    ]);
    await this.flush(em, c.name);
    return c;
  }

  /** Changes the given properties; an omitted or empty client secret keeps the stored one. */
  async update(em: EntityManager, viewer: Viewer, id: string, input: Partial<EntraConnectionInput>): Promise<EntraConnection> {
    requireRole(viewer, 'ADMIN');
    const c = await this.get(em, viewer, id);
    const v = validate(input, false);
    const changes: FieldChange[] = [];
    for (const key of ['name', 'tenantId', 'clientId', 'cloud', 'secretExpiresAt'] as const) {
      if (v[key] !== undefined && v[key] !== c[key]) {
        changes.push({ field: key, before: c[key], after: v[key] });
        (c as unknown as Record<string, unknown>)[key] = v[key];
      }
    }
    if (v.clientSecret) {
      c.clientSecretSealed = this.deps.secrets.encrypt(v.clientSecret);
      // Recorded without its value: the audit trail must not hold the secret either.
      changes.push({ field: 'clientSecret', before: '[redacted]', after: '[redacted]' });
    }
    if (changes.length > 0) this.record(em, viewer, c.id, 'entra_connection.updated', changes);
    // Another tenant, app, secret or cloud needs a new test; a new name or expiry date does not.
    if (changes.some((ch) => ['tenantId', 'clientId', 'clientSecret', 'cloud'].includes(ch.field))) {
      c.lastTestOk = null;
      c.lastTestMessage = null;
      c.lastTestProblem = null;
    }
    await this.flush(em, c.name);
    // New credentials are untested, not failing: a credentials alert waits for the next check.
    if (changes.some((ch) => ['tenantId', 'clientId', 'clientSecret', 'cloud'].includes(ch.field))) await recordCredentialCheck(em, c.id, { ok: true }, this.deps.clock.now());
    if (changes.some((ch) => ch.field === 'secretExpiresAt')) await announceAlertsChanged(em, c.organizationId);
    return c;
  }

  /** The lists that sync from a connection, by name. */
  async listsUsing(em: EntityManager, viewer: Viewer, connectionId: string): Promise<MasterList[]> {
    const rows = await em.execute<Array<{ list_id: string }>>(`SELECT list_id FROM entra_list_sync WHERE connection_id = ? AND organization_id = ?`, [connectionId, viewer.organizationId]);
    if (rows.length === 0) return [];
    return em.find(MasterListSchema, { id: { $in: rows.map((r) => r.list_id) }, organizationId: viewer.organizationId }, { orderBy: { name: 'asc' } });
  }

  async remove(em: EntityManager, viewer: Viewer, id: string): Promise<void> {
    requireRole(viewer, 'ADMIN');
    const c = await this.get(em, viewer, id);
    const users = await em.execute<Array<{ name: string }>>(
      `SELECT l.name FROM entra_list_sync s JOIN master_list l ON l.id = s.list_id WHERE s.connection_id = ? ORDER BY l.name`,
      [c.id],
    );
    if (users.length > 0) {
      throw errors.conflict(`This connection syncs ${users.map((u) => `"${u.name}"`).join(', ')}; disconnect ${users.length === 1 ? 'that list' : 'those lists'} (Sync tab) before removing it.`, { lists: users.map((u) => u.name) });
    }
    this.record(em, viewer, c.id, 'entra_connection.removed', [{ field: 'name', before: c.name, after: null }]);
    em.remove(c);
    await em.flush();
  }

  /** The decrypted client secret, for the Graph client only. */
  /**
   * The connection's client secret. A value still sealed with a previous key (written during a key
   * rollout by a process on the old key) is re-encrypted under the current key on the way.
   */
  async clientSecret(em: EntityManager, connection: EntraConnection): Promise<string> {
    const row = await em.findOneOrFail(EntraConnectionSchema, { id: connection.id }, { populate: ['clientSecretSealed'] });
    const sealed = row.clientSecretSealed;
    let secret: string;
    try {
      secret = this.deps.secrets.decrypt(sealed);
    } catch {
      throw new AppError(
        'SERVICE_UNAVAILABLE',
        `The client secret of "${connection.name}" was encrypted with a key this server does not have: set that key in ROLLCALL_SECRET_KEY_PREVIOUS, or enter the secret again by editing the connection.`,
      );
    }
    if (this.deps.secrets.needsRotation(sealed)) await this.reseal(em, connection.id, sealed, secret);
    return secret;
  }

  /**
   * Re-encrypts every secret sealed with a previous key under the current one (run at start-up
   * after ROLLCALL_SECRET_KEY changes; ROLLCALL_SECRET_KEY_PREVIOUS keeps the old key readable
   * meanwhile). A secret no configured key opens is left as it is and reported in `unreadable`
   * (its connection says so when used) rather than stopping the process. Returns the counts.
   */
  async rotateSecrets(em: EntityManager): Promise<{ rotated: number; unreadable: string[] }> {
    const rows = await em.execute<Array<{ id: string; client_secret_sealed: string }>>(`SELECT id, client_secret_sealed FROM entra_connection`);
    let rotated = 0;
    const unreadable: string[] = [];
    for (const r of rows.filter((row) => this.deps.secrets.needsRotation(row.client_secret_sealed))) {
      let secret: string;
      try {
        secret = this.deps.secrets.decrypt(r.client_secret_sealed);
      } catch {
        unreadable.push(r.id);
        continue;
      }
      rotated += await this.reseal(em, r.id, r.client_secret_sealed, secret);
    }
    return { rotated, unreadable };
  }

  /** Compare-and-set: another process re-encrypting the same value at the same time does it only once. */
  private async reseal(em: EntityManager, id: string, sealed: string, secret: string): Promise<number> {
    const updated = await em.execute(`UPDATE entra_connection SET client_secret_sealed = ? WHERE id = ? AND client_secret_sealed = ?`, [this.deps.secrets.encrypt(secret), id, sealed], 'run');
    return (updated as { affectedRows?: number }).affectedRows ?? 0;
  }

  private record(em: EntityManager, viewer: Viewer, id: string, action: string, changes: FieldChange[]) {
    this.deps.audit.record(em, { organizationId: viewer.organizationId, entityType: 'entra_connection', entityId: id, action, actor: viewer.actor, changes });
  }

  private async flush(em: EntityManager, name: string) {
    try {
      await em.flush();
    } catch (err) {
      if (isUniqueViolation(err)) throw errors.conflict(`A connection named "${name}" already exists; choose another name.`, { field: 'name' });
      throw err;
    }
  }
}

function validate(input: Partial<EntraConnectionInput>, creating: boolean): Partial<EntraConnectionInput> {
  const out: Partial<EntraConnectionInput> = {};
  const need = (v: string | undefined | null, field: string, what: string) => {
    if (creating && !v?.trim()) throw errors.badInput(`Enter the ${what}.`, field);
  };
  need(input.name, 'name', 'connection name');
  need(input.tenantId, 'tenantId', 'tenant ID (Entra admin center › Overview › Tenant ID)');
  need(input.clientId, 'clientId', 'client ID (the app registration’s Application (client) ID)');
  need(input.clientSecret, 'clientSecret', 'client secret value (Certificates & secrets › Value, not the Secret ID)');
  if (input.name !== undefined && input.name !== null) {
    out.name = input.name.trim();
    if (!out.name || out.name.length > 200) throw errors.badInput('A connection name needs 1 to 200 characters.', 'name');
  }
  if (input.tenantId) {
    out.tenantId = input.tenantId.trim().toLowerCase();
    if (!GUID.test(out.tenantId) && !DOMAIN.test(out.tenantId)) {
      throw errors.badInput('The tenant ID is a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47, or a domain of the tenant such as contoso.onmicrosoft.com.', 'tenantId');
    }
  }
  if (input.clientId) {
    out.clientId = input.clientId.trim().toLowerCase();
    if (!GUID.test(out.clientId)) throw errors.badInput('The client ID is the app registration’s Application (client) ID, a GUID.', 'clientId');
  }
  if (input.clientSecret) {
    out.clientSecret = input.clientSecret.trim();
    if (GUID.test(out.clientSecret)) {
      throw errors.badInput('That looks like the Secret ID. Copy the secret’s Value instead (shown only when the secret is created).', 'clientSecret');
    }
  }
  if (input.cloud) {
    if (!ENTRA_CLOUDS.includes(input.cloud)) throw errors.badInput(`Unknown cloud "${input.cloud}".`, 'cloud');
    out.cloud = input.cloud;
  }
  if (input.secretExpiresAt !== undefined) {
    if (input.secretExpiresAt !== null && !DATE.test(input.secretExpiresAt)) throw errors.badInput('The secret expiry is a date written YYYY-MM-DD.', 'secretExpiresAt');
    out.secretExpiresAt = input.secretExpiresAt;
  }
  return out;
}

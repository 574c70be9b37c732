import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../shared/clock.js';
import type { IdGenerator } from '../../shared/ids.js';
import { isUuid } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { AppError, errors } from '../../shared/errors.js';
import type { Actor } from '../../audit/audit-entry.entity.js';
import type { Viewer } from '../../auth/viewer.js';
import { requireRole } from '../../auth/viewer.js';
import type { AuditService } from '../../audit/audit.service.js';
import type { ListsService } from '../../lists/lists.service.js';
import { providerLabel } from '../../lists/lists.service.js';
import type { FieldType } from '../../lists/list.entities.js';
import type { Transform } from '../engine/mapping.js';
import type { RunMode, SyncRunner } from '../engine/runner.js';
import type { RetryJob, SyncQueue } from '../sync-queue.js';
import type { EntraConnectionsService } from './entra-connections.service.js';
import { EntraConnectionSchema, type EntraConnection } from './entra-connection.entity.js';
import { CredentialShelf, EntraError, GraphReader, type EntraEndpointOverrides, type EntraProblem } from './graph-reader.js';
import { ADVANCED, EntraSource, PHOTO_ATTRIBUTE, selectFor, type EntraScope, type EntraScopeKind } from './entra-source.js';
import { syncPhotos } from './photos.js';
import { recordCredentialCheck } from './credential-health.js';
import { checkMappings, type MappingInput } from '../mapping-input.js';
import { USER_FIELDS, customField, extensionField, isValidAttribute, sampleText, suggest, type SourceField, type SourceFieldCategory } from './catalogue.js';

export interface ConnectionTestResult {
  ok: boolean;
  problem: EntraProblem | null;
  message: string;
  userCount: number | null;
  groupCount: number | null;
  connection: EntraConnection;
}

export interface EntraGroupView {
  id: string;
  displayName: string;
  description: string | null;
  memberCount: number | null;
}

export interface SourceFieldView {
  attribute: string;
  label: string;
  category: SourceFieldCategory;
  suggestedType: FieldType;
  samples: string[];
  suggestedFieldKey: string | null;
  mappedFieldKey: string | null;
}

export type { MappingInput };

export interface ConfigureInput {
  listId: string;
  connectionId: string;
  scope: { kind: EntraScopeKind; groupId?: string | null; enabledOnly?: boolean | null };
  mappings: MappingInput[];
  /** The field that identifies people (must be among the mapped fields). */
  uidFieldKey: string;
  /** Minutes between scheduled runs; null or absent: manual only. */
  intervalMinutes?: number | null;
  deactivationLimitPercent?: number | null;
  deactivationLimitCount?: number | null;
}

export interface ListSyncView {
  listId: string;
  provider: string | null;
  connection: EntraConnection | null;
  scope: (EntraScope & { groupName: string | null }) | null;
  intervalMinutes: number | null;
  nextRunAt: Date | null;
  mappings: Array<{ sourceAttribute: string; transform: Transform; fieldId: string; fieldKey: string }>;
  deactivationLimitPercent: number;
  deactivationLimitCount: number;
  hasDeltaLink: boolean;
}

interface ConfigRow {
  list_id: string;
  organization_id: string;
  connection_id: string;
  scope_kind: EntraScopeKind;
  group_id: string | null;
  group_name: string | null;
  enabled_only: boolean;
  interval_minutes: number | null;
  next_run_at: string | null;
  delta_link: string | null;
  delta_select: string | null;
}

const SAMPLE_USERS = 5;
const GROUP_SEARCH_LIMIT = 25;
const ALLOWED_INTERVALS = { min: 5, max: 7 * 24 * 60 };

/**
 * Entra ID sync of master lists: testing connections, browsing groups and source fields,
 * configuring a list (scope, mappings, schedule), and running syncs as queued jobs. Every run
 * goes through the one reconciliation engine (SyncRunner).
 */
export class EntraSyncService {
  constructor(
    private readonly deps: {
      orm: MikroORM;
      clock: Clock;
      ids: IdGenerator;
      logger: Logger;
      audit: AuditService;
      lists: ListsService;
      connections: EntraConnectionsService;
      runner: SyncRunner;
      queue: SyncQueue;
      overrides: EntraEndpointOverrides;
      /** Delays of automatic retries after a passing failure (throttling, network). */
      retrySeconds: readonly number[];
    },
  ) {}

  /** Credentials (and their tokens) kept across readers of a connection; see `reader`. */
  private readonly credentials = new CredentialShelf();

  /**
   * A Graph reader for a connection. Runs and the wizard's look-ups reuse the connection's
   * credential and its cached token; `fresh` (a connection test) acquires a new token.
   */
  async reader(em: EntityManager, c: EntraConnection, opts: { onRequest?: (url: string) => void; fresh?: boolean } = {}): Promise<GraphReader> {
    return new GraphReader({
      connectionId: c.id,
      ...(opts.fresh ? {} : { credentials: this.credentials }),
      tenantId: c.tenantId,
      clientId: c.clientId,
      clientSecret: await this.deps.connections.clientSecret(em, c),
      cloud: c.cloud,
      overrides: this.deps.overrides,
      logger: this.deps.logger,
      ...(opts.onRequest ? { onRequest: opts.onRequest } : {}),
    });
  }

  /**
   * Acquires a token and counts users and groups, as a run would; records the outcome on the
   * connection. Never throws for a Graph or credential problem: the result says what to fix.
   */
  async test(em: EntityManager, viewer: Viewer, connectionId: string): Promise<ConnectionTestResult> {
    requireRole(viewer, 'ADMIN');
    const c = await this.deps.connections.get(em, viewer, connectionId);
    const reader = await this.reader(em, c, { fresh: true });
    let result: Omit<ConnectionTestResult, 'connection'>;
    try {
      await reader.token();
      const userCount = await reader.count('/users/$count').catch((err) => {
        throw permission(err, 'User.Read.All', 'read users');
      });
      const groupCount = await reader.count('/groups/$count').catch((err) => {
        throw permission(err, 'GroupMember.Read.All', 'read groups and their members');
      });
      result = { ok: true, problem: null, message: `Connected: ${plural(userCount, 'user')} and ${plural(groupCount, 'group')} are visible.`, userCount, groupCount };
    } catch (err) {
      if (!(err instanceof EntraError)) throw err;
      result = { ok: false, problem: err.problem, message: err.message, userCount: null, groupCount: null };
    }
    c.lastTestedAt = this.deps.clock.now();
    c.lastTestOk = result.ok;
    c.lastTestMessage = result.message;
    c.lastTestProblem = result.problem;
    await em.flush();
    await recordCredentialCheck(em, c.id, result.problem ? { ok: false, problem: result.problem, message: result.message } : { ok: true }, c.lastTestedAt);
    return { ...result, connection: c };
  }

  /** Groups whose name has words starting with the search, each with its (transitive) user count. */
  async groups(em: EntityManager, viewer: Viewer, connectionId: string, search: string | null): Promise<EntraGroupView[]> {
    requireRole(viewer, 'ADMIN');
    const c = await this.deps.connections.get(em, viewer, connectionId);
    const reader = await this.reader(em, c);
    const term = (search ?? '').replace(/["\\]/g, ' ').trim().slice(0, 100);
    const query: Record<string, string> = { $select: 'id,displayName,description', $top: String(GROUP_SEARCH_LIMIT), $orderby: 'displayName' };
    if (term) query.$search = `"displayName:${term}"`;
    const groups = await this.graphCall(() => reader.page<{ id: string; displayName: string; description: string | null }>('/groups', query, { ConsistencyLevel: 'eventual' }));
    const counts = await Promise.all(
      groups.value.map((g) => reader.count(`/groups/${encodeURIComponent(g.id)}/transitiveMembers/microsoft.graph.user/$count`).catch(() => null)),
    );
    return groups.value.map((g, i) => ({ id: g.id, displayName: g.displayName, description: g.description ?? null, memberCount: counts[i] ?? null }));
  }

  /**
   * The source field catalogue for mapping a list: Graph's user properties by category, the
   * tenant's directory extensions, sample values from a few real users of the scope, the field
   * each would map onto by name, and what is mapped now.
   */
  async sourceFields(em: EntityManager, viewer: Viewer, connectionId: string, listId: string, groupId: string | null): Promise<SourceFieldView[]> {
    requireRole(viewer, 'ADMIN');
    const c = await this.deps.connections.get(em, viewer, connectionId);
    const list = await this.deps.lists.list(em, viewer, listId);
    const fields = await this.deps.lists.fields(em, list.id);
    const reader = await this.reader(em, c);
    const extensions = await reader
      .post<{ value: Array<{ name: string }> }>('/directoryObjects/getAvailableExtensionProperties', { isSyncedFromOnPremises: false })
      .then((r) => r.value.map((e) => extensionField(e.name)))
      .catch((err) => {
        // Without permission to list extensions an administrator can still name one (Custom).
        this.deps.logger.info({ err: err instanceof Error ? err.message : err }, 'could not list directory extensions');
        return [] as SourceField[];
      });
    const mapped = await this.mappedAttributes(em, list.id);
    const catalogue = [...USER_FIELDS, ...extensions];
    for (const attr of mapped.keys()) if (!catalogue.some((x) => x.attribute === attr)) catalogue.push(customField(attr));
    const path = groupId ? `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user` : '/users';
    const select = { $select: selectFor(catalogue.map((x) => x.attribute)), $top: String(SAMPLE_USERS) };
    const users = await this.graphCall(() => (groupId ? reader.page<Record<string, unknown>>(path, { ...select, $count: 'true' }, ADVANCED) : reader.page<Record<string, unknown>>(path, select)));
    const taken = new Set(mapped.values());
    return catalogue.map((x) => {
      const suggestion = suggest(x, fields);
      return {
        attribute: x.attribute,
        label: x.label,
        category: x.category,
        suggestedType: x.type,
        samples: users.value.map((u) => sampleText(u, x.attribute)).filter((v): v is string => v !== null),
        suggestedFieldKey: suggestion && (!taken.has(suggestion) || mapped.get(x.attribute) === suggestion) ? suggestion : null,
        mappedFieldKey: mapped.get(x.attribute) ?? null,
      };
    });
  }

  /**
   * Connects a list to Entra ID (or changes its configuration): scope, mappings (creating target
   * fields on the way), the UID field, the schedule and the deactivation limit, in one
   * transaction. Refused when the list has another sync provider.
   */
  async configure(em: EntityManager, viewer: Viewer, input: ConfigureInput): Promise<ListSyncView> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, input.listId);
    if (list.syncProvider && list.syncProvider !== 'entra') {
      throw errors.conflict(`This list is synced by ${providerLabel(list.syncProvider)}; a list has one sync provider. Disconnect it first to use Microsoft Entra ID.`, { provider: list.syncProvider });
    }
    const connection = await this.deps.connections.get(em, viewer, input.connectionId);
    const scope = checkScope(input.scope);
    const interval = checkInterval(input.intervalMinutes ?? null);
    const limits = checkLimits(input.deactivationLimitPercent, input.deactivationLimitCount);
    if (!input.mappings.length) throw errors.badInput('Map at least one source field, including one for the UID.', 'mappings');

    let groupName: string | null = null;
    if (scope.kind === 'GROUP') {
      const reader = await this.reader(em, connection);
      const g = await this.graphCall(() => reader.get<{ displayName: string }>(`/groups/${encodeURIComponent(scope.groupId!)}`, { query: { $select: 'id,displayName' } }), 'groupId');
      groupName = g.displayName;
    }

    // Everything is checked before anything is written; then the new fields, the UID change and
    // the mappings are written in one transaction, so a refusal leaves the list as it was.
    const existing = new Map((await this.deps.lists.fields(em, list.id)).map((f) => [f.key, f]));
    const { plan, toCreate } = checkMappings(input.mappings, existing, (raw, i) => {
      const attribute = raw.trim();
      if (!isValidAttribute(attribute)) throw errors.badInput(`Mapping ${i + 1}: "${raw}" is not a user attribute name (like department or onPremisesExtensionAttributes.extensionAttribute1).`, `mappings.${i}.sourceAttribute`);
      return attribute;
    });
    if (!plan.some((p) => p.key === input.uidFieldKey)) throw errors.badInput('Choose the UID among the mapped fields: it identifies each person and must come from Entra ID.', 'uidFieldKey');

    const now = this.deps.clock.now();
    await em.transactional(async (tem) => {
      const fields = new Map(existing);
      for (const [key, f] of toCreate) fields.set(key, await this.deps.lists.addField(tem, viewer, list.id, { key, label: f.label, type: f.type }));
      const uid = fields.get(input.uidFieldKey)!;
      if (list.uidFieldId !== uid.id) {
        try {
          await this.deps.lists.setUidField(tem, viewer, list.id, uid.id);
        } catch (err) {
          // Named after the input that chose it, so a form can point at it.
          if (err instanceof AppError) throw new AppError(err.code, err.message, { ...err.details, field: 'uidFieldKey' });
          throw err;
        }
      }
      await tem.execute(`SELECT 1 FROM master_list WHERE id = ? FOR UPDATE`, [list.id]);
      const before = await this.mappedAttributes(tem, list.id);
      await tem.execute(`DELETE FROM field_mapping WHERE list_id = ? AND provider = 'entra'`, [list.id]);
      for (const p of plan) {
        await tem.execute(
          `INSERT INTO field_mapping (id, organization_id, list_id, field_id, provider, source_attribute, transform) VALUES (?, ?, ?, ?, 'entra', ?, ?)`,
          [this.deps.ids.uuid(), viewer.organizationId, list.id, fields.get(p.key)!.id, p.attribute, p.transform],
        );
      }
      await tem.execute(
        `UPDATE master_list SET sync_provider = 'entra', deactivation_limit_percent = ?, deactivation_limit_count = ?, updated_at = ? WHERE id = ?`,
        [limits.percent ?? list.deactivationLimitPercent, limits.count ?? list.deactivationLimitCount, now, list.id],
      );
      const nextRun = interval ? new Date(now.getTime() + interval * 60_000) : null;
      await tem.execute(
        `INSERT INTO entra_list_sync (list_id, organization_id, connection_id, scope_kind, group_id, group_name, enabled_only, interval_minutes, next_run_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (list_id) DO UPDATE SET connection_id = EXCLUDED.connection_id, scope_kind = EXCLUDED.scope_kind, group_id = EXCLUDED.group_id,
           group_name = EXCLUDED.group_name, enabled_only = EXCLUDED.enabled_only, interval_minutes = EXCLUDED.interval_minutes,
           next_run_at = CASE WHEN entra_list_sync.interval_minutes IS NOT DISTINCT FROM EXCLUDED.interval_minutes AND entra_list_sync.next_run_at IS NOT NULL
                              THEN entra_list_sync.next_run_at ELSE EXCLUDED.next_run_at END,
           -- Another connection or scope is another directory view: the next run reads everything.
           delta_link = CASE WHEN entra_list_sync.connection_id = EXCLUDED.connection_id AND entra_list_sync.scope_kind = EXCLUDED.scope_kind
                              AND entra_list_sync.group_id IS NOT DISTINCT FROM EXCLUDED.group_id THEN entra_list_sync.delta_link END,
           updated_at = EXCLUDED.updated_at`,
        [list.id, viewer.organizationId, connection.id, scope.kind, scope.groupId, groupName, scope.enabledOnly, interval, nextRun, now, now],
      );
      this.deps.audit.record(tem, {
        organizationId: viewer.organizationId,
        listId: list.id,
        entityType: 'master_list',
        entityId: list.id,
        action: 'sync.configured',
        actor: viewer.actor,
        changes: [
          { field: 'syncProvider', before: list.syncProvider, after: 'entra' },
          { field: 'connection', before: null, after: connection.name },
          { field: 'scope', before: null, after: scope.kind === 'GROUP' ? `group ${groupName}` : 'all users' },
          { field: 'mappings', before: Object.fromEntries(before), after: Object.fromEntries(plan.map((p) => [p.attribute, p.key])) },
          { field: 'intervalMinutes', before: null, after: interval },
        ],
      });
    });
    em.clear();
    return this.status(em, viewer, list.id);
  }

  /** The list's sync configuration and schedule (provider null when not synced). */
  async status(em: EntityManager, viewer: Viewer, listId: string): Promise<ListSyncView> {
    const list = await this.deps.lists.list(em, viewer, listId);
    const [row] = await em.execute<ConfigRow[]>(`SELECT * FROM entra_list_sync WHERE list_id = ?`, [list.id]);
    const mappings = await em.execute<Array<{ source_attribute: string; transform: Transform; field_id: string; key: string }>>(
      `SELECT m.source_attribute, m.transform, m.field_id, f.key FROM field_mapping m JOIN list_field f ON f.id = m.field_id
        WHERE m.list_id = ? AND m.provider = ? ORDER BY f.position`,
      [list.id, list.syncProvider ?? ''],
    );
    const connection = row ? await this.deps.connections.get(em, viewer, row.connection_id) : null;
    return {
      listId: list.id,
      provider: list.syncProvider,
      connection,
      scope: row ? { kind: row.scope_kind, groupId: row.group_id, groupName: row.group_name, enabledOnly: row.enabled_only } : null,
      intervalMinutes: row?.interval_minutes ?? null,
      nextRunAt: row?.next_run_at ? new Date(row.next_run_at) : null,
      mappings: mappings.map((m) => ({ sourceAttribute: m.source_attribute, transform: m.transform, fieldId: m.field_id, fieldKey: m.key })),
      deactivationLimitPercent: list.deactivationLimitPercent,
      deactivationLimitCount: list.deactivationLimitCount,
      hasDeltaLink: Boolean(row?.delta_link),
    };
  }

  /** Queues a run of the list now; the worker that takes it runs it. Returns the run id. */
  async syncNow(em: EntityManager, viewer: Viewer, listId: string, mode: RunMode): Promise<string> {
    requireRole(viewer, 'ADMIN');
    const list = await this.deps.lists.list(em, viewer, listId);
    const [row] = await em.execute<ConfigRow[]>(`SELECT list_id FROM entra_list_sync WHERE list_id = ?`, [list.id]);
    if (list.syncProvider !== 'entra' || !row) throw errors.conflict('This list is not connected to Microsoft Entra ID; configure its sync first.');
    return this.enqueue(list.organizationId, list.id, 'MANUAL', mode, viewer.actor);
  }

  private async enqueue(organizationId: string, listId: string, trigger: 'MANUAL' | 'SCHEDULE' | 'RETRY', mode: RunMode, actor: Actor, attempt = 0): Promise<string> {
    const runId = await this.deps.runner.enqueue({ organizationId, listId, sourceName: 'entra', trigger, mode, actor });
    try {
      if (attempt > 0) await this.deps.orm.em.fork().execute(`UPDATE sync_run SET attempt = ? WHERE id = ?`, [attempt, runId]);
      await this.deps.queue.send(runId);
    } catch (err) {
      await this.deps.runner.cancel(organizationId, runId, { type: 'SYSTEM', id: null, label: 'the job queue (unavailable)' }).catch(() => undefined);
      throw err;
    }
    return runId;
  }

  /**
   * Claims the lists whose scheduled run is due and queues a delta run for each. The claim moves
   * next_run_at on in one statement, so with several processes each due run is queued once. A list
   * whose previous run is still going skips this slot.
   */
  async tick(): Promise<number> {
    const em = this.deps.orm.em.fork();
    const now = this.deps.clock.now();
    const due = await em.execute<Array<{ list_id: string; organization_id: string }>>(
      `UPDATE entra_list_sync s SET next_run_at = ?::timestamptz + make_interval(mins => s.interval_minutes)
        WHERE s.list_id IN (SELECT list_id FROM entra_list_sync WHERE next_run_at <= ? AND interval_minutes IS NOT NULL FOR UPDATE SKIP LOCKED)
        RETURNING s.list_id, s.organization_id`,
      [now, now],
    );
    let queued = 0;
    for (const d of due) {
      try {
        await this.enqueue(d.organization_id, d.list_id, 'SCHEDULE', 'DELTA', { type: 'SYSTEM', id: null, label: 'schedule' });
        queued += 1;
      } catch (err) {
        this.deps.logger.info({ listId: d.list_id, err: err instanceof Error ? err.message : err }, 'scheduled sync skipped');
      }
    }
    return queued;
  }

  /** Runs a queued run (the job queue's worker calls this). */
  async runQueued(runId: string): Promise<void> {
    const em = this.deps.orm.em.fork();
    const [run] = await em.execute<Array<{ organization_id: string; list_id: string; trigger: 'MANUAL' | 'SCHEDULE' | 'RETRY'; mode: RunMode; started_by: string | null; status: string; attempt: number }>>(
      `SELECT organization_id, list_id, trigger, mode, started_by, status, attempt FROM sync_run WHERE id = ?`,
      [runId],
    );
    if (!run || run.status !== 'QUEUED') return;
    const actor: Actor = { type: 'SYNC', id: null, label: run.trigger === 'SCHEDULE' ? 'Microsoft Entra ID sync (schedule)' : `Microsoft Entra ID sync (started by ${run.started_by ?? 'an administrator'})` };
    const [row] = await em.execute<ConfigRow[]>(`SELECT * FROM entra_list_sync WHERE list_id = ?`, [run.list_id]);
    if (!row) {
      await this.deps.runner.cancel(run.organization_id, runId, { type: 'SYSTEM', id: null, label: 'Rollcall (the list was disconnected from Entra ID)' }).catch(() => undefined);
      return;
    }
    const connection = await em.findOneOrFail(EntraConnectionSchema, { id: row.connection_id });
    const mapped = await this.mappedAttributes(em, run.list_id);
    const photoKey = mapped.get(PHOTO_ATTRIBUTE) ?? null;
    const reader = await this.reader(em, connection);
    const source = new EntraSource({
      reader,
      scope: { kind: row.scope_kind, groupId: row.group_id, enabledOnly: row.enabled_only },
      attributes: [...mapped.keys()].filter((a) => a !== PHOTO_ATTRIBUTE),
      mode: run.mode === 'DELTA' ? 'DELTA' : 'FULL',
      deltaLink: row.delta_link,
      deltaSelect: row.delta_select,
      known: async () => {
        const rows = await em.execute<Array<{ source_anchor: string; status: 'ACTIVE' | 'INACTIVE' }>>(
          `SELECT source_anchor, status FROM person WHERE list_id = ? AND source = 'entra' AND source_anchor IS NOT NULL`,
          [run.list_id],
        );
        return new Map(rows.map((r) => [r.source_anchor, r.status]));
      },
      save: async ({ deltaLink, deltaSelect }) => {
        await em.execute(`UPDATE entra_list_sync SET delta_link = ?, delta_select = ? WHERE list_id = ? AND connection_id = ?`, [deltaLink, deltaSelect, run.list_id, connection.id]);
      },
      logger: this.deps.logger,
      ...(photoKey
        ? {
            afterApply: async (anchors: ReadonlySet<string> | null) =>
              (await syncPhotos(em, reader, { organizationId: run.organization_id, listId: run.list_id, fieldKey: photoKey, anchors, actor, now: this.deps.clock.now() })).imported,
          }
        : {}),
    });
    // A failure for a passing reason (throttling, network) is retried by itself after a delay; the
    // run's reason says so from the moment it reads FAILED.
    const retryAfterFailure = async (): Promise<string | null> => {
      const passing = source.failure && (source.failure.problem === 'THROTTLED' || source.failure.problem === 'NETWORK');
      const attempt = run.attempt + 1;
      const delay = this.deps.retrySeconds[attempt - 1];
      if (!passing || delay === undefined || run.mode === 'DRY_RUN') return null;
      await this.deps.queue.sendRetry({ organizationId: run.organization_id, listId: run.list_id, attempt }, delay);
      this.deps.logger.info({ runId, listId: run.list_id, attempt, delaySeconds: delay }, 'sync run failed for a passing reason; retry scheduled');
      return `Rollcall retries by itself in ${delay} s, attempt ${attempt} of ${this.deps.retrySeconds.length}`;
    };
    const outcome = await this.deps.runner.run(
      { organizationId: run.organization_id, listId: run.list_id, source, trigger: run.trigger, mode: run.mode, actor, createInactive: !row.enabled_only, onFailure: retryAfterFailure },
      runId,
    );
    // A run is the check that matters most: it tells whether the credentials still work.
    if (source.failure) await recordCredentialCheck(em, connection.id, { ok: false, problem: source.failure.problem, message: source.failure.message }, this.deps.clock.now());
    else if (outcome && outcome.status !== 'FAILED') await recordCredentialCheck(em, connection.id, { ok: true }, this.deps.clock.now());
  }

  /** A scheduled retry: a delta run (trigger RETRY), unless the list is busy or no longer synced. */
  async retry(job: RetryJob): Promise<void> {
    const em = this.deps.orm.em.fork();
    const [row] = await em.execute<Array<{ list_id: string }>>(`SELECT list_id FROM entra_list_sync WHERE list_id = ?`, [job.listId]);
    if (!row) return;
    try {
      await this.enqueue(job.organizationId, job.listId, 'RETRY', 'DELTA', { type: 'SYNC', id: null, label: 'Microsoft Entra ID sync (automatic retry)' }, job.attempt);
    } catch (err) {
      this.deps.logger.info({ listId: job.listId, err: err instanceof Error ? err.message : err }, 'retry skipped: the list is syncing already');
    }
  }

  /** source attribute → field key of the list's Entra mappings. */
  private async mappedAttributes(em: EntityManager, listId: string): Promise<Map<string, string>> {
    const rows = await em.execute<Array<{ source_attribute: string; key: string }>>(
      `SELECT m.source_attribute, f.key FROM field_mapping m JOIN list_field f ON f.id = m.field_id WHERE m.list_id = ? AND m.provider = 'entra' ORDER BY f.position`,
      [listId],
    );
    return new Map(rows.map((r) => [r.source_attribute, r.key]));
  }

  /** A Graph call made on an administrator's behalf: failures become clear API errors. */
  private async graphCall<T>(call: () => Promise<T>, field?: string): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof EntraError)) throw err;
      if (err.status === 404 && field) throw errors.badInput('Microsoft Entra ID has no such group (it may have been deleted); search for the group again.', field);
      throw errors.conflict(`Microsoft Entra ID: ${err.message}`, { problem: err.problem });
    }
  }
}

function permission(err: unknown, role: string, what: string): unknown {
  if (err instanceof EntraError && err.problem === 'PERMISSION') {
    return new EntraError('PERMISSION', `The app registration may not ${what}: grant it the Microsoft Graph application permission ${role} and select "Grant admin consent" (Entra ID › App registrations › API permissions).`, 403);
  }
  return err;
}

function checkScope(scope: ConfigureInput['scope']): EntraScope {
  if (scope.kind !== 'ALL_USERS' && scope.kind !== 'GROUP') throw errors.badInput('The scope is ALL_USERS or GROUP.', 'scope.kind');
  const groupId = scope.groupId?.trim() || null;
  if (scope.kind === 'GROUP' && !groupId) throw errors.badInput('Choose the group whose members (nested groups included) make up the list.', 'scope.groupId');
  if (groupId && !isUuid(groupId)) throw errors.badInput('A group id is the group\'s Object ID, a GUID.', 'scope.groupId');
  return { kind: scope.kind, groupId: scope.kind === 'GROUP' ? groupId : null, enabledOnly: scope.enabledOnly ?? true };
}

function checkInterval(minutes: number | null): number | null {
  if (minutes === null) return null;
  if (!Number.isInteger(minutes) || minutes < ALLOWED_INTERVALS.min || minutes > ALLOWED_INTERVALS.max) {
    throw errors.badInput(`The schedule interval is a whole number of minutes from ${ALLOWED_INTERVALS.min} to ${ALLOWED_INTERVALS.max} (a week), or none for manual runs only.`, 'intervalMinutes');
  }
  return minutes;
}

function checkLimits(percent: number | null | undefined, count: number | null | undefined): { percent: number | null; count: number | null } {
  if (percent !== null && percent !== undefined && (!Number.isInteger(percent) || percent < 0 || percent > 100)) throw errors.badInput('The deactivation limit is a whole percentage from 0 to 100.', 'deactivationLimitPercent');
  if (count !== null && count !== undefined && (!Number.isInteger(count) || count < 0)) throw errors.badInput('The deactivation limit count is a whole number, 0 or more.', 'deactivationLimitCount');
  return { percent: percent ?? null, count: count ?? null };
}

function plural(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

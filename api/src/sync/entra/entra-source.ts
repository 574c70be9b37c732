import type { Logger } from '../../shared/logger.js';
import type { Source } from '../engine/runner.js';
import type { SourceRecord } from '../engine/types.js';
import { EntraError, type GraphReader } from './graph-reader.js';

export type EntraScopeKind = 'ALL_USERS' | 'GROUP';

export interface EntraScope {
  kind: EntraScopeKind;
  groupId: string | null;
  /** Only enabled accounts are in scope; otherwise disabled accounts are kept as inactive people. */
  enabledOnly: boolean;
}

export interface EntraSourceOptions {
  reader: GraphReader;
  scope: EntraScope;
  /** The mapped source attributes (paths like `onPremisesExtensionAttributes.extensionAttribute1`). */
  attributes: readonly string[];
  mode: 'FULL' | 'DELTA';
  /** The delta link the last successful run stored, and the $select it was taken with. */
  deltaLink: string | null;
  deltaSelect: string | null;
  /** People this source already manages in the list: anchor → status (read for a group scope only). */
  known: () => Promise<Map<string, 'ACTIVE' | 'INACTIVE'>>;
  /** Stores the delta link for the next delta run; called only after a run's changes are written. */
  save: (checkpoint: { deltaLink: string; deltaSelect: string }) => Promise<void>;
  /**
   * Follow-up once the changes are written (photos): given the anchors this run read, or null
   * after a full read (everyone); returns the number of photos imported.
   */
  afterApply?: (anchors: ReadonlySet<string> | null) => Promise<number>;
  logger: Logger;
}

/** The pseudo-attribute a PHOTO field maps to: the user's profile photo (read separately). */
export const PHOTO_ATTRIBUTE = 'photo';

/** Graph's page size limit for users and members; the initial delta round pages ~200 instead. */
export const PAGE_SIZE = 999;
const BATCH_SIZE = 20;
/** JSON batches in flight at once (Graph allows a few concurrent requests per app and tenant). */
const BATCH_CONCURRENCY = 4;
const MAX_BATCH_ATTEMPTS = 6;
/** Headers of Graph's advanced directory queries (OData casts with $count, $search). */
export const ADVANCED = { ConsistencyLevel: 'eventual' } as const;

/** The `$select` for a set of mapped attributes: their top-level properties, plus id and accountEnabled. */
export function selectFor(attributes: readonly string[]): string {
  const props = new Set(['id', 'accountEnabled']);
  for (const a of attributes) if (a !== PHOTO_ATTRIBUTE) props.add(a.split('.')[0]!);
  return [...props].sort().join(',');
}

/**
 * Microsoft Entra ID as a sync source. A full read takes the starting delta token first
 * (`$deltatoken=latest`, no data) and then pages `/users` or the group's transitive members with
 * `$top=999` and only the mapped properties, so it makes ceil(N/999) requests. A delta read
 * follows the stored delta link: new users arrive complete; records of people already in the list
 * are treated as partial (compared on the properties they carry), which is right both for Graph's
 * default answer and for `Prefer: return=minimal`. For a group scope, membership comes from the
 * transitive member ids (Graph's group delta reports direct members only, and Rollcall includes
 * nested groups), and users entering the scope without a change of their own are read in full
 * through JSON batches. When Graph says the delta state is
 * gone, or the mapping now selects other properties, the run becomes a full read by itself.
 */
export class EntraSource implements Source {
  readonly name = 'entra';
  private readonly select: string;
  private removed: string[] = [];
  private nextDeltaLink: string | null = null;
  private mode: 'full' | 'delta';
  fellBackReason: string | null = null;

  constructor(private readonly o: EntraSourceOptions) {
    this.select = selectFor(o.attributes);
    this.mode = o.mode === 'DELTA' ? 'delta' : 'full';
    if (this.mode === 'delta' && !o.deltaLink) this.fallBack('the first run of a list is a full read');
    else if (this.mode === 'delta' && o.deltaSelect !== this.select) this.fallBack('the mapping changed since the last run, so every person is read again');
  }

  effectiveMode(): 'full' | 'delta' {
    return this.mode;
  }

  removedAnchors(): readonly string[] {
    return this.removed;
  }

  note(): string | null {
    return this.fellBackReason ? `ran as a full read: ${this.fellBackReason}` : null;
  }

  async committed(): Promise<{ photos: number } | void> {
    if (this.nextDeltaLink) await this.o.save({ deltaLink: this.nextDeltaLink, deltaSelect: this.select });
    if (this.o.afterApply) return { photos: await this.o.afterApply(this.mode === 'full' ? null : this.seen) };
  }

  /** Anchors of the records this run read. */
  private readonly seen = new Set<string>();

  async *pages(): AsyncIterable<SourceRecord[]> {
    try {
      if (this.mode === 'delta') {
        try {
          yield* this.deltaPages();
          return;
        } catch (err) {
          if (!(err instanceof EntraError && err.problem === 'DELTA_EXPIRED') || this.yielded) throw err;
          this.fallBack('Microsoft Graph no longer holds the delta state (the link expired), so every person is read again');
        }
      }
      yield* this.fullPages();
    } catch (err) {
      this.failure = err instanceof EntraError ? err : null;
      throw err;
    }
  }

  /** Why reading failed, when Graph or the credentials were the reason. */
  failure: EntraError | null = null;

  private yielded = false;

  private fallBack(reason: string): void {
    this.mode = 'full';
    this.fellBackReason = reason;
    this.o.logger.info({ reason }, 'Entra delta sync falls back to a full read');
  }

  private async *fullPages(): AsyncIterable<SourceRecord[]> {
    const { reader, scope } = this.o;
    // The starting point for the next delta run, taken before reading so nothing changed during
    // the read is missed (it is reported again, which planning makes harmless).
    const latest = await reader.page('/users/delta', { $deltatoken: 'latest', $select: this.select });
    this.nextDeltaLink = latest.deltaLink;
    const group = scope.kind === 'GROUP';
    const path = group ? `/groups/${encodeURIComponent(scope.groupId!)}/transitiveMembers/microsoft.graph.user` : '/users';
    // The user cast on transitive members is an advanced query in Graph: eventual consistency and $count.
    const headers = group ? ADVANCED : undefined;
    let page = await reader.page<Record<string, unknown>>(path, { $select: this.select, $top: String(PAGE_SIZE), ...(group ? { $count: 'true' } : {}) }, headers);
    for (;;) {
      const records: SourceRecord[] = [];
      for (const u of page.value) {
        const record = this.record(u, false);
        if (record) records.push(record);
      }
      this.yielded = true;
      yield records;
      if (!page.nextLink) break;
      page = await reader.page(page.nextLink, undefined, headers);
    }
  }

  private async *deltaPages(): AsyncIterable<SourceRecord[]> {
    const { reader, scope } = this.o;
    // Who the list already holds matters only for a group scope (moves in and out of the group);
    // for all users, removals are matched to people by the runner and every record is compared
    // on what it carries, so a tenant of a million is never loaded to apply a few changes.
    const group = scope.kind === 'GROUP';
    const known = group ? await this.o.known() : null;
    const members = group ? await this.memberIds() : null;
    const mentioned = new Set<string>();
    const toFetch: string[] = [];
    let page = await reader.page<Record<string, unknown>>(this.o.deltaLink!);
    for (;;) {
      const records: SourceRecord[] = [];
      for (const item of page.value) {
        const id = String(item.id);
        mentioned.add(id);
        if (item['@removed']) {
          if (!known || known.has(id)) this.removed.push(id);
          continue;
        }
        if (members && !members.has(id)) {
          // Changed, but not (or no longer) in the group.
          if (known?.get(id) === 'ACTIVE') this.removed.push(id);
          continue;
        }
        // Without Prefer: return=minimal, Graph sends every selected property that has a value,
        // so a user new to the list arrives complete (an absent property has never been set).
        // Records are compared on what they carry (partial), which is right under either answer
        // and, for a newcomer, the same as a complete record.
        const record = this.record(item, true);
        if (record) records.push(record);
      }
      this.yielded = true;
      if (records.length > 0) yield records;
      if (page.deltaLink) {
        this.nextDeltaLink = page.deltaLink;
        break;
      }
      if (!page.nextLink) throw new EntraError('OTHER', 'Microsoft Graph ended a delta round without a delta link.');
      page = await reader.page(page.nextLink);
    }
    if (members && known) {
      // Group moves: users entering or leaving the scope without any change of their own.
      for (const id of members) if (!mentioned.has(id) && known.get(id) !== 'ACTIVE') toFetch.push(id);
      for (const [id, status] of known) if (status === 'ACTIVE' && !members.has(id) && !mentioned.has(id)) this.removed.push(id);
    }
    // Users who entered the group without a change of their own are read in full, a few JSON
    // batches at a time.
    for (let i = 0; i < toFetch.length; i += BATCH_SIZE * BATCH_CONCURRENCY) {
      const batches: Array<Promise<SourceRecord[]>> = [];
      for (let j = i; j < Math.min(toFetch.length, i + BATCH_SIZE * BATCH_CONCURRENCY); j += BATCH_SIZE) batches.push(this.fetchUsers(toFetch.slice(j, j + BATCH_SIZE)));
      const records = (await Promise.all(batches)).flat();
      if (records.length > 0) yield records;
    }
  }

  /** The ids of the group's users, nested groups included: ceil(N/999) small pages. */
  private async memberIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    let page = await this.o.reader.page<{ id: string }>(`/groups/${encodeURIComponent(this.o.scope.groupId!)}/transitiveMembers/microsoft.graph.user`, { $select: 'id', $top: String(PAGE_SIZE), $count: 'true' }, ADVANCED);
    for (;;) {
      for (const u of page.value) ids.add(u.id);
      if (!page.nextLink) return ids;
      page = await this.o.reader.page(page.nextLink, undefined, ADVANCED);
    }
  }

  /** Users in full, twenty to a JSON batch request; throttled parts of a batch are retried. */
  private async fetchUsers(ids: readonly string[]): Promise<SourceRecord[]> {
    const records: SourceRecord[] = [];
    let pending = [...ids];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const body = await this.o.reader.post<{ responses: Array<{ id: string; status: number; headers?: Record<string, string>; body: Record<string, unknown> }> }>('/$batch', {
        requests: pending.map((id, i) => ({ id: String(i), method: 'GET', url: `/users/${encodeURIComponent(id)}?$select=${this.select}` })),
      });
      const retry: string[] = [];
      let wait = 0;
      for (const r of body.responses) {
        const id = pending[Number(r.id)]!;
        if (r.status === 404) continue;
        if (r.status === 429 || r.status === 503 || r.status === 504) {
          retry.push(id);
          const after = Number(Object.entries(r.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1]);
          wait = Math.max(wait, Number.isFinite(after) ? after * 1000 : 500 * 2 ** (attempt - 1));
          continue;
        }
        if (r.status !== 200) throw new EntraError('OTHER', `Microsoft Graph answered ${r.status} reading a user: ${JSON.stringify(r.body).slice(0, 200)}`, r.status);
        const record = this.record(r.body, false);
        if (record) records.push(record);
      }
      if (retry.length > 0 && attempt >= MAX_BATCH_ATTEMPTS) throw new EntraError('THROTTLED', `Microsoft Graph kept throttling a batch after ${attempt} attempts; the run will try again later.`, 429);
      if (retry.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
      pending = retry;
    }
    return records;
  }

  private record(user: Record<string, unknown>, partial: boolean): SourceRecord | null {
    const id = typeof user.id === 'string' ? user.id : null;
    if (!id) return null;
    const enabled = 'accountEnabled' in user ? user.accountEnabled !== false : null;
    // Out of scope when only enabled accounts count: in a full read simply absent.
    if (!partial && enabled === false && this.o.scope.enabledOnly) return null;
    // Only a delta run needs to know whom it read (a full run looks at everyone's photo).
    if (this.mode === 'delta') this.seen.add(id);
    return { anchor: id, attributes: user, active: enabled, ...(partial ? { partial: true } : {}) };
  }
}

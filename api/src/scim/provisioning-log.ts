import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { CHANNEL } from '../events/event-bus.js';
import { decodeCursor, encodeCursor, invalidCursor } from '../shared/pagination.js';
import { storableText } from '../shared/text.js';

export type ProvisioningOperation = 'create' | 'update' | 'deactivate' | 'reactivate' | 'read' | 'error';

/** One SCIM request as the provisioning log keeps it. */
export interface ProvisioningEntry {
  id: string;
  listId: string;
  operation: ProvisioningOperation;
  personId: string | null;
  method: string;
  path: string;
  status: number;
  idp: string;
  userAgent: string | null;
  durationMs: number;
  requestBody: unknown;
  detail: string | null;
  at: Date;
}

export interface ProvisioningFilter {
  operation?: ProvisioningOperation | null;
  personId?: string | null;
  method?: string | null;
  /** Only failed requests (status 400 and above). */
  errorsOnly?: boolean | null;
}

/** Keys whose values never reach the log (RFC 7643 §4.1.1 password, tokens, secrets). */
const SECRET_KEY = /pass(word)?|secret|token|credential|otp|pin$/i;
const MAX_BODY_CHARS = 32_768;
/** Deeper parts of a logged body are summarised (recursion, and jsonb, have limits). */
const MAX_BODY_DEPTH = 32;

/**
 * A request body with secrets replaced by "[redacted]"; an unreadable or oversized one is
 * summarised, parts nested deeper than 32 levels are cut, and text PostgreSQL cannot store (NUL,
 * lone surrogates) is replaced, so one hostile request never stops a batch of entries being written.
 */
export function redactBody(raw: string | undefined): unknown {
  if (!raw) return null;
  if (raw.length > MAX_BODY_CHARS) return { truncated: true, bytes: Buffer.byteLength(raw) };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { unreadable: true, bytes: Buffer.byteLength(raw) };
  }
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return storableText(v);
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_BODY_DEPTH) return '[nested too deep]';
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [storableText(k), SECRET_KEY.test(k) ? '[redacted]' : walk(x, depth + 1)]));
  };
  return walk(body, 0);
}

type Row = {
  id: string;
  list_id: string;
  operation: ProvisioningOperation;
  person_id: string | null;
  method: string;
  path: string;
  status: number;
  idp: string;
  user_agent: string | null;
  duration_ms: number;
  request_body: unknown;
  detail: string | null;
  at: string;
};
const toEntry = (r: Row): ProvisioningEntry => ({
  id: r.id,
  listId: r.list_id,
  operation: r.operation,
  personId: r.person_id,
  method: r.method,
  path: r.path,
  status: r.status,
  idp: r.idp,
  userAgent: r.user_agent,
  durationMs: r.duration_ms,
  requestBody: r.request_body,
  detail: r.detail,
  at: new Date(r.at),
});

interface Pending extends Omit<ProvisioningEntry, 'at'> {
  tokenId: string | null;
  at: string;
}

/**
 * The provisioning log: entries are buffered and written in one multi-row statement every
 * quarter second (never on the request's time), each announced with pg_notify in that statement
 * for the live subscription. Entries older than the retention are deleted hourly.
 */
export class ProvisioningLog {
  private buffer: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly pruner: NodeJS.Timeout;

  constructor(private readonly deps: { orm: MikroORM; clock: Clock; ids: IdGenerator; logger: Logger; retentionDays: number; flushMs?: number }) {
    this.timer = setInterval(() => void this.flush(), deps.flushMs ?? 250);
    this.timer.unref();
    this.pruner = setInterval(() => void this.prune().catch((err: unknown) => deps.logger.warn({ err }, 'could not prune the provisioning log')), 3_600_000);
    this.pruner.unref();
  }

  /** Queues an entry; it is written within a quarter second. */
  record(e: Omit<Pending, 'id' | 'at'>): void {
    this.buffer.push({ ...e, id: this.deps.ids.uuid(), at: this.deps.clock.now().toISOString() });
    if (this.buffer.length >= 500) void this.flush();
  }

  /** Writes what is buffered (also called on shutdown and by tests). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.write(batch).finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      // The organisation comes from the list: requests with a bad token are logged on the list they addressed.
      await this.deps.orm.em.getConnection().execute(
        `WITH d AS (
           SELECT * FROM jsonb_to_recordset(?::jsonb) AS d(id uuid, "listId" uuid, "tokenId" uuid, operation text, "personId" uuid, method text, path text,
             status int, idp text, "userAgent" text, "durationMs" int, "requestBody" jsonb, detail text, at timestamptz)
         ), ins AS (
           INSERT INTO provisioning_log (id, organization_id, list_id, token_id, operation, person_id, method, path, status, idp, user_agent, duration_ms, request_body, detail, at)
           SELECT d.id, l.organization_id, d."listId", d."tokenId", d.operation, d."personId", d.method, d.path, d.status, d.idp, d."userAgent", d."durationMs", d."requestBody", d.detail, d.at
             FROM d JOIN master_list l ON l.id = d."listId"
           RETURNING id, organization_id, list_id
         )
         SELECT count(pg_notify(?, json_build_object('type', 'provisioning.logged', 'organizationId', organization_id, 'listId', list_id, 'entryId', id)::text)) FROM ins`,
        [JSON.stringify(batch), CHANNEL],
      );
    } catch (err) {
      this.deps.logger.warn({ err, entries: batch.length }, 'could not write the provisioning log');
    }
  }

  /** Deletes entries older than the retention. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - this.deps.retentionDays * 86_400_000);
    const res = await this.deps.orm.em.getConnection().execute(`DELETE FROM provisioning_log WHERE at < ?`, [cutoff], 'run');
    return (res as { affectedRows?: number }).affectedRows ?? 0;
  }

  /** A page of a list's log, newest first, with filters (keyset on at, id). */
  async page(em: EntityManager, organizationId: string, listId: string, f: ProvisioningFilter, first: number, after: string | null): Promise<{ entries: ProvisioningEntry[]; hasNextPage: boolean; endCursor: string | null }> {
    const where = ['organization_id = ?', 'list_id = ?'];
    const params: unknown[] = [organizationId, listId];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (f.operation) add('operation = ?', f.operation);
    if (f.personId) add('person_id = ?', f.personId);
    if (f.method) add('method = ?', f.method.toUpperCase());
    if (f.errorsOnly) where.push('status >= 400');
    if (after) {
      const c = decodeCursor(after);
      if (typeof c.v !== 'string' || Number.isNaN(Date.parse(c.v))) throw invalidCursor();
      add('(at, id) < (?::timestamptz, ?::uuid)', c.v);
      params.push(c.id);
    }
    const rows = await em.execute<Row[]>(`SELECT * FROM provisioning_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`, [...params, first + 1]);
    const entries = rows.slice(0, first).map(toEntry);
    const last = entries[entries.length - 1];
    return { entries, hasNextPage: rows.length > first, endCursor: last ? encodeCursor({ v: last.at.toISOString(), id: last.id }) : null };
  }

  async get(em: EntityManager, organizationId: string, id: string): Promise<ProvisioningEntry | null> {
    const [row] = await em.execute<Row[]>(`SELECT * FROM provisioning_log WHERE id = ? AND organization_id = ?`, [id, organizationId]);
    return row ? toEntry(row) : null;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruner);
    await this.flush();
  }
}

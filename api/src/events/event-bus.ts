import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../shared/logger.js';

/** A change to one person. */
export interface PersonEvent {
  type: 'person.created' | 'person.updated' | 'person.deactivated' | 'person.reactivated' | 'person.erased';
  organizationId: string;
  listId: string;
  personId: string;
}

/** A sync run moved on: counts, phase or status changed. */
export interface SyncRunEvent {
  type: 'sync_run.progress';
  organizationId: string;
  listId: string;
  runId: string;
}

/** A SCIM request was written to a list's provisioning log. */
export interface ProvisioningEvent {
  type: 'provisioning.logged';
  organizationId: string;
  listId: string;
  entryId: string;
}

/** A changeset was created, reviewed, applied or rolled back. */
export interface ChangesetEvent {
  type: 'changeset.updated';
  organizationId: string;
  listId: string;
  changesetId: string;
}

/** A SCIM bearer token was revoked or deleted (sent by a database trigger, whatever revoked it). */
export interface ScimTokenEvent {
  type: 'scim_token.revoked';
  organizationId: string;
  listId: string;
  tokenId: string;
}

/** A list's fields, field mappings or UID field changed (sent by database triggers, whatever changed them). */
export interface ListSchemaEvent {
  type: 'list.schema_changed';
  organizationId: string;
  listId: string;
}

/** A sync run reached a final status (SUCCEEDED, FAILED, HALTED, ...). */
export interface SyncRunFinishedEvent {
  type: 'sync_run.finished';
  organizationId: string;
  listId: string;
  runId: string;
  status: string;
}

/** Something an administrator alert is read from changed (credentials checked, expiry edited, dismissed). */
export interface AlertsChangedEvent {
  type: 'alerts.changed';
  organizationId: string;
  /** Not about one list (every event names its list, or none). */
  listId: null;
}

/** A domain event. Kept small: PostgreSQL NOTIFY payloads are limited to 8000 bytes. */
export type DomainEvent = PersonEvent | SyncRunEvent | ProvisioningEvent | ChangesetEvent | SyncRunFinishedEvent | AlertsChangedEvent | ScimTokenEvent | ListSchemaEvent;

/** Queues an alerts.changed event on `db` (delivered on commit, or at once outside a transaction). */
export async function announceAlertsChanged(db: { execute: EntityManager['execute'] }, organizationId: string): Promise<void> {
  await db.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify({ type: 'alerts.changed', organizationId, listId: null } satisfies AlertsChangedEvent)]);
}

type Handler = (event: DomainEvent) => void;

export const CHANNEL = 'rollcall_events';

/**
 * Domain events through PostgreSQL LISTEN/NOTIFY. `publish` issues pg_notify inside the caller's
 * transaction, and PostgreSQL delivers it only when that transaction commits (never on rollback),
 * to every server process listening on the same database.
 */
export class EventBus {
  private readonly handlers = new Set<Handler>();
  private client: pg.Client | null = null;
  private stopped = false;
  /** Events of committed transactions, sent together at the end of the current turn. */
  private pending: DomainEvent[] = [];
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Queues an event in the current transaction of `em`. */
  async publish(em: EntityManager, event: DomainEvent): Promise<void> {
    await em.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify(event)]);
  }

  /**
   * Publishes the events of a transaction that has committed (see `applyPlan`'s `collectEvents`):
   * queued, and sent with whatever else the process queues in the same turn as one statement on
   * the listening connection (no pool connection, no transaction, no WAL flush). They tell live
   * views to refresh; if the process dies before sending them they are lost, while the change and
   * its audit row are committed.
   */
  publishAfterCommit(events: readonly DomainEvent[]): void {
    if (events.length === 0 || this.stopped) return;
    // One statement at a time on the connection: the next turn's waits for the one being sent.
    if (this.pending.length === 0) setImmediate(() => (this.sending = this.sending.then(() => this.flush())));
    this.pending.push(...events);
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (!this.client) {
      this.logger.warn({ events: batch.length }, 'events not published: the event connection is down');
      return;
    }
    try {
      await this.client.query('SELECT pg_notify($1, e) FROM unnest($2::text[]) AS e', [CHANNEL, batch.map((e) => JSON.stringify(e))]);
    } catch (err) {
      this.logger.warn({ err, events: batch.length }, 'events not published');
    }
  }

  /** Calls `handler` for every event committed by any process; returns an unsubscribe function. */
  subscribe(handler: Handler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Opens the dedicated LISTEN connection, reconnecting with backoff if it drops. */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      let event: DomainEvent;
      try {
        event = JSON.parse(msg.payload) as DomainEvent;
      } catch {
        return;
      }
      for (const h of this.handlers) {
        try {
          h(event);
        } catch (err) {
          this.logger.error({ err }, 'event handler failed');
        }
      }
    });
    client.on('error', (err) => {
      this.client = null;
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      // Said after a moment, and not at all when this process is stopping too (see SyncQueue's error handler).
      setTimeout(() => {
        if (!this.stopped) this.logger.warn({ err: err.message }, 'event listener connection lost; reconnecting');
      }, 500).unref();
      this.reconnectLater(1000);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private reconnectLater(delayMs: number): void {
    if (this.stopped) return;
    setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch(() => this.reconnectLater(Math.min(delayMs * 2, 30_000)));
    }, delayMs).unref();
  }

  /** Stops listening for good from now on, ahead of `stop` (the process is shutting down): a connection lost now is not retried. */
  beginStop(): void {
    this.stopped = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.handlers.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

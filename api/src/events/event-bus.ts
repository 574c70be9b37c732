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
export type DomainEvent = PersonEvent | SyncRunEvent | ProvisioningEvent | ChangesetEvent | SyncRunFinishedEvent | AlertsChangedEvent | ScimTokenEvent;

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

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Queues an event in the current transaction of `em`. */
  async publish(em: EntityManager, event: DomainEvent): Promise<void> {
    await em.execute('SELECT pg_notify(?, ?)', [CHANNEL, JSON.stringify(event)]);
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
      this.logger.warn({ err: err.message }, 'event listener connection lost; reconnecting');
      this.client = null;
      void client.end().catch(() => undefined);
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

  async stop(): Promise<void> {
    this.stopped = true;
    this.handlers.clear();
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

import { createHash } from 'node:crypto';
import type { AnyEntity, EntityData, QueryResult } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';

/** What a statement returns, as the ORM's `execute` types it. */
type Rows = QueryResult | EntityData<AnyEntity> | EntityData<AnyEntity>[];

/** What Rollcall uses of a node-postgres client (the connections in MikroORM's pool are these). */
interface PgClient {
  query<T>(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: T[] }>;
}
interface PoolClient {
  emit(event: 'query', query: { method: 'raw'; sql: string; bindings: unknown[] }): boolean;
  acquireConnection(): Promise<PgClient>;
  releaseConnection(connection: PgClient): Promise<void>;
}

/** How many distinct statements are prepared by name; further ones run unnamed (still with bound parameters). */
const MAX_PREPARED = 200;

/**
 * What a writer needs of a database: statements with `?` placeholders, and whether it is inside a
 * transaction. MikroORM's EntityManager is one; `RawSql.transaction` gives another.
 */
export interface SqlDb {
  execute<T extends Rows = EntityData<AnyEntity>[]>(sql: string, params?: unknown[]): Promise<T>;
  isInTransaction(): boolean;
  /** Runs `f` in a transaction (a nested one is a savepoint on the ORM; a raw transaction runs `f` in itself). */
  transactional<T>(f: (db: SqlDb) => Promise<T>): Promise<T>;
}

/** A transaction left open by `RawSql.begin`: its statements, and how it ends (once). */
export interface RawTransaction {
  db: SqlDb;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * Rewrites `?` placeholders (as MikroORM's `execute` takes them) to PostgreSQL's `$1, $2, …`.
 * Only for Rollcall's own statements, which use no `?` operator and no `?` inside literals.
 */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/**
 * Read statements on the hottest paths (SCIM lookups, gets and pages), run on a connection of
 * MikroORM's own pool as named prepared statements over PostgreSQL's extended protocol: each
 * connection parses and plans a statement once and then only binds and executes it, and the
 * parameters travel apart from the text. MikroORM's `execute` inlines parameters into the text and
 * sends it as a simple query, which costs a parse and plan per call and about a millisecond of CPU
 * in the ORM and knex per statement (measured with `npm run bench`). Same pool, same type parsers
 * (dates as text, arrays parsed), same errors and the same `query` events as the rest of Rollcall;
 * writes stay on the ORM and the reconciliation engine.
 */
export class RawSql {
  private readonly names = new Map<string, string>();
  private readonly numberedTexts = new Map<string, string>();

  /** Statements with `?` placeholders, each on any connection of the pool, outside a transaction. */
  readonly db: SqlDb = {
    execute: async <R extends Rows>(sql: string, params: unknown[] = []) => (await this.select(sql, params)) as unknown as R,
    isInTransaction: () => false,
    transactional: (f) => this.transaction(f),
  };

  /**
   * Statements each in its own transaction, as PostgreSQL runs a statement sent alone; `transactional`
   * adds none. Only for a write that is one statement (a plan of one person with its attached row).
   */
  readonly statements: SqlDb = {
    execute: this.db.execute,
    isInTransaction: () => false,
    transactional: (f) => f(this.statements),
  };

  constructor(private readonly orm: MikroORM) {}

  private get pool(): PoolClient {
    return this.orm.em.getConnection().getKnex().client as unknown as PoolClient;
  }

  /** Runs `sql` written with `?` placeholders (its `$n` form kept per text) with `params`; the rows. */
  select<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.query<T>(this.numbered(sql), params);
  }

  /** Runs `text` (with `$n` placeholders) with `values`; the rows. */
  async query<T>(text: string, values: unknown[]): Promise<T[]> {
    const pool = this.pool;
    const connection = await pool.acquireConnection();
    try {
      return await this.run<T>(connection, text, values);
    } finally {
      void pool.releaseConnection(connection);
    }
  }

  /**
   * Runs `f` in a transaction on one connection (BEGIN, f, COMMIT; ROLLBACK when f throws), its
   * statements prepared like `query`'s. The transaction's `execute` takes `?` placeholders, as the
   * ORM's does, so the reconciliation engine's writer runs on it unchanged; a nested `transactional`
   * runs in the same transaction (no savepoint: the whole transaction fails together).
   */
  async transaction<T>(f: (db: SqlDb) => Promise<T>): Promise<T> {
    const pool = this.pool;
    const connection = await pool.acquireConnection();
    const db: SqlDb = {
      execute: async <R extends Rows>(sql: string, params: unknown[] = []) => (await this.run(connection, this.numbered(sql), params)) as unknown as R,
      isInTransaction: () => true,
      transactional: (g) => g(db),
    };
    try {
      await this.run(connection, 'BEGIN', []);
      const result = await f(db);
      await this.run(connection, 'COMMIT', []);
      return result;
    } catch (err) {
      await this.run(connection, 'ROLLBACK', []).catch(() => undefined);
      throw err;
    } finally {
      void pool.releaseConnection(connection);
    }
  }

  /**
   * Opens a transaction on one connection that stays open across calls (a sync run's writes,
   * committed or rolled back when the run decides). Its statements take `?` placeholders and bound
   * parameters, unnamed: each is planned for its own values (a batch of 5 or 5,000 people), and a
   * batch's rows travel as one parameter rather than as a literal of megabytes in the text, which
   * MikroORM's `execute` escapes, and PostgreSQL then lexes, every time.
   */
  async begin(): Promise<RawTransaction> {
    const pool = this.pool;
    const connection = await pool.acquireConnection();
    let open = true;
    const end = async (command: 'COMMIT' | 'ROLLBACK') => {
      if (!open) return;
      open = false;
      try {
        await this.run(connection, command, [], false);
      } finally {
        void pool.releaseConnection(connection);
      }
    };
    const db: SqlDb = {
      execute: async <R extends Rows>(sql: string, params: unknown[] = []) => (await this.run(connection, this.numbered(sql), params, false)) as unknown as R,
      isInTransaction: () => open,
      transactional: (g) => g(db),
    };
    try {
      await this.run(connection, 'BEGIN', [], false);
    } catch (err) {
      open = false;
      void pool.releaseConnection(connection);
      throw err;
    }
    return { db, commit: () => end('COMMIT'), rollback: () => end('ROLLBACK') };
  }

  private async run<T>(connection: PgClient, text: string, values: unknown[], prepared = true): Promise<T[]> {
    // Announced as knex announces its own statements, so whatever watches the ORM's statements (tests, the benchmark) sees these too.
    this.pool.emit('query', { method: 'raw', sql: text, bindings: values });
    return (await connection.query<T>(values.length ? { name: prepared ? this.nameOf(text) : undefined, text, values } : { text })).rows;
  }

  private numbered(sql: string): string {
    const known = this.numberedTexts.get(sql);
    if (known) return known;
    const text = numbered(sql);
    if (this.numberedTexts.size < MAX_PREPARED) this.numberedTexts.set(sql, text);
    return text;
  }

  private nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known || this.names.size >= MAX_PREPARED) return known;
    // Named by content: every RawSql on the same pool gives a text the same name, and a name never
    // stands for two texts on one connection (node-postgres refuses that).
    const name = `rollcall_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    this.names.set(text, name);
    return name;
  }
}

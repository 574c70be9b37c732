import type { MikroORM } from '@mikro-orm/postgresql';

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
 * Rewrites `?` placeholders (as MikroORM's `execute` takes them) to PostgreSQL's `$1, $2, …`.
 * Only for Rollcall's own statements, which use no `?` operator and no `?` inside literals.
 */
export function numbered(sql: string): string {
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

  constructor(private readonly orm: MikroORM) {}

  /** Runs `text` (with `$n` placeholders) with `values`; the rows. */
  async query<T>(text: string, values: unknown[]): Promise<T[]> {
    const pool = this.orm.em.getConnection().getKnex().client as unknown as PoolClient;
    const connection = await pool.acquireConnection();
    // Announced as knex announces its own statements, so whatever watches the ORM's statements (tests, the benchmark) sees these too.
    pool.emit('query', { method: 'raw', sql: text, bindings: values });
    try {
      return (await connection.query<T>({ name: this.nameOf(text), text, values })).rows;
    } finally {
      void pool.releaseConnection(connection);
    }
  }

  private nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known || this.names.size >= MAX_PREPARED) return known;
    const name = `rollcall_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * A list's Entra ID sync: the connection and scope it reads, the schedule, and the delta link the
 * last successful run left; and the per-list deactivation limit that halts a run for review.
 */
export class Migration20261123040000EntraListSync extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE entra_list_sync (
        list_id uuid PRIMARY KEY REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        connection_id uuid NOT NULL REFERENCES entra_connection(id) DEFERRABLE INITIALLY DEFERRED,
        scope_kind text NOT NULL CHECK (scope_kind IN ('ALL_USERS', 'GROUP')),
        group_id text,
        group_name text,
        enabled_only boolean NOT NULL DEFAULT true,
        -- NULL: manual only. Each due run is claimed by one process (next_run_at moves on atomically).
        interval_minutes integer CHECK (interval_minutes IS NULL OR interval_minutes BETWEEN 5 AND 10080),
        next_run_at timestamptz,
        -- Where the next delta run continues, and the $select the link was taken with.
        delta_link text,
        delta_select text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT entra_list_sync_group CHECK ((scope_kind = 'GROUP') = (group_id IS NOT NULL))
      )`);
    this.addSql(`CREATE INDEX entra_list_sync_due_idx ON entra_list_sync (next_run_at) WHERE next_run_at IS NOT NULL`);
    this.addSql(`CREATE INDEX entra_list_sync_connection_idx ON entra_list_sync (connection_id)`);
    this.addSql(`ALTER TABLE master_list
      ADD COLUMN deactivation_limit_percent integer NOT NULL DEFAULT 20 CHECK (deactivation_limit_percent BETWEEN 0 AND 100),
      ADD COLUMN deactivation_limit_count integer NOT NULL DEFAULT 500 CHECK (deactivation_limit_count >= 0)`);
  }
}

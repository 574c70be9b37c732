import { Migration } from '@mikro-orm/migrations';

/** Sync runs: one row per run of any source into a list, with counts, phase and outcome. */
export class Migration20261123020000SyncRuns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE sync_run (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        source text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('MANUAL', 'SCHEDULE', 'RETRY')),
        mode text NOT NULL CHECK (mode IN ('FULL', 'DELTA', 'DRY_RUN')),
        status text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'HALTED', 'CANCELLED')),
        phase text NOT NULL DEFAULT 'QUEUED',
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        errors jsonb NOT NULL DEFAULT '[]'::jsonb,
        reason text,
        -- The plan of a halted run, kept for an administrator to approve or cancel.
        held_plan jsonb,
        started_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        heartbeat_at timestamptz
      )`);
    // One active run per list across every process: a second start violates this index.
    this.addSql(`CREATE UNIQUE INDEX sync_run_one_active ON sync_run (list_id) WHERE status IN ('QUEUED', 'RUNNING')`);
    this.addSql(`CREATE INDEX sync_run_list_idx ON sync_run (organization_id, list_id, created_at DESC)`);
  }
}

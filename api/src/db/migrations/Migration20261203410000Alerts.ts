import { Migration } from '@mikro-orm/migrations';

/**
 * Administrator alerts: whether a connection's credentials stopped working (set by a failed run
 * or test, cleared by a working one or new credentials), and alerts an administrator dismissed.
 * Alerts themselves are read from state (runs, connections), so they can never disagree with it.
 */
export class Migration20261203410000Alerts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE entra_connection ADD COLUMN credentials_failed_at timestamptz`);
    this.addSql(`ALTER TABLE entra_connection ADD COLUMN credentials_problem text`);
    this.addSql(`ALTER TABLE entra_connection ADD COLUMN credentials_message text`);
    this.addSql(`
      CREATE TABLE alert_dismissal (
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        -- The alert's id, which names the occurrence (a run, a failure time, an expiry date):
        -- a new occurrence of the same trouble is a new alert.
        alert_key text NOT NULL,
        dismissed_by text NOT NULL,
        dismissed_at timestamptz NOT NULL,
        PRIMARY KEY (organization_id, alert_key)
      )`);
  }
}

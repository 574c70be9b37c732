import { Migration } from '@mikro-orm/migrations';

/** Which automatic retry a run is (0 for a run started by a person or the schedule). */
export class Migration20261123060000SyncRunAttempt extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE sync_run ADD COLUMN attempt integer NOT NULL DEFAULT 0`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * "Review directory changes before applying": a list may hold every sync run's plan for review,
 * except the kinds of change it auto-approves (e.g. creates and updates, never deactivations).
 */
export class Migration20261203301000SyncReviewPolicy extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE master_list ADD COLUMN review_sync_changes boolean NOT NULL DEFAULT false`);
    this.addSql(`ALTER TABLE master_list ADD COLUMN auto_approve jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }
}

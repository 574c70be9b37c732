import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a run asked for as a delta read its source in full (a list's first run, an expired
 * delta link, a changed mapping), so the run history can say so beside the mode. Runs recorded
 * before are recognised by the note such runs carry.
 */
export class Migration20261205090000SyncRunReadInFull extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE sync_run ADD COLUMN IF NOT EXISTS read_in_full boolean NOT NULL DEFAULT false`);
    this.addSql(`UPDATE sync_run SET read_in_full = true WHERE mode = 'DELTA' AND reason LIKE '%ran as a full read:%'`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER TABLE sync_run DROP COLUMN IF EXISTS read_in_full`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * The people no source holds by an anchor (added by hand, or before a directory was connected):
 * the only ones a sync can adopt by email. A run reads them once, for its email map; without this
 * index that read scanned the whole list (~70-100 ms of PostgreSQL at 100,000 people, at the start
 * of every delta run that has a newcomer). People a source anchors never enter it, so sync writes
 * do not maintain it.
 */
export class Migration20261205080000UnanchoredPeopleIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE INDEX IF NOT EXISTS person_unanchored_idx ON person (list_id) WHERE source_anchor IS NULL`);
  }

  override async down(): Promise<void> {
    this.addSql(`DROP INDEX IF EXISTS person_unanchored_idx`);
  }
}

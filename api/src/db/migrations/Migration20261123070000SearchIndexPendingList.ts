import { Migration } from '@mikro-orm/migrations';

/**
 * The trigram search index takes new entries into its pending list (GIN fast update) up to 32 MB
 * instead of 4 MB, so a sync run's writes append there instead of merging into the index row by
 * row; the engine merges the list in one bulk pass after each run (gin_clean_pending_list), off
 * the run's time. Searches read the pending list too, so results stay exact meanwhile.
 */
export class Migration20261123070000SearchIndexPendingList extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER INDEX person_search_trgm_idx SET (gin_pending_list_limit = 32768)`);
  }

  override async down(): Promise<void> {
    this.addSql(`ALTER INDEX person_search_trgm_idx RESET (gin_pending_list_limit)`);
  }
}

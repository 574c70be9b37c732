import { Migration } from '@mikro-orm/migrations';

/**
 * Sort indexes on field values are built when someone first sorts by a field
 * (`ListsService.sortedBy`), no longer for every field as it is added: each is written with every
 * person changed. The ones built so far go; those in use come back on the next sort by them.
 */
export class Migration20261204180000SortIndexesOnFirstSort extends Migration {
  override async up(): Promise<void> {
    this.addSql(`DO $$
      DECLARE r record;
      BEGIN
        FOR r IN SELECT c.relname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
                  WHERE i.indrelid = 'person'::regclass AND c.relname LIKE 'person\\_sort\\_%' LOOP
          EXECUTE format('DROP INDEX IF EXISTS %I', r.relname);
        END LOOP;
      END $$`);
  }

  override async down(): Promise<void> {
    // Nothing to restore: a sort by a field builds its index again.
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * CSV imports: the uploaded file kept as it came (in chunks, so any process can read it again,
 * streamed) with what the upload found (encoding, delimiter, headers, sample rows), and the
 * mapping chosen for it. The commit's sync run points back at the import.
 */
export class Migration20261203200000CsvImports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE csv_import (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        file_name text NOT NULL,
        byte_size bigint NOT NULL,
        encoding text NOT NULL,
        delimiter text NOT NULL,
        headers jsonb NOT NULL,
        sample_rows jsonb NOT NULL,
        row_count integer NOT NULL,
        mapping jsonb,
        uid_column text,
        run_id uuid,
        preview_run_id uuid,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE INDEX csv_import_list_idx ON csv_import (organization_id, list_id, created_at DESC)`);
    this.addSql(`
      CREATE TABLE csv_import_chunk (
        import_id uuid NOT NULL REFERENCES csv_import(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (import_id, seq)
      )`);
  }
}

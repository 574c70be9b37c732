import { Migration } from '@mikro-orm/migrations';

/** Microsoft Entra ID connections: app registrations Rollcall reads directories with. */
export class Migration20261123010000EntraConnections extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE entra_connection (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        tenant_id text NOT NULL,
        client_id text NOT NULL,
        -- AES-256-GCM sealed by SecretBox; never returned by the API, never logged.
        client_secret_sealed text NOT NULL,
        cloud text NOT NULL DEFAULT 'GLOBAL' CHECK (cloud IN ('GLOBAL', 'US_GOVERNMENT', 'CHINA')),
        secret_expires_at date,
        last_tested_at timestamptz,
        last_test_ok boolean,
        last_test_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE UNIQUE INDEX entra_connection_name_key ON entra_connection (organization_id, lower(name))`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/** Every SCIM request a list received: operation, person, method, path, status, IdP, duration, redacted body. */
export class Migration20261203102000ProvisioningLog extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE provisioning_log (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        token_id uuid,
        operation text NOT NULL CHECK (operation IN ('create', 'update', 'deactivate', 'reactivate', 'read', 'error')),
        person_id uuid,
        method text NOT NULL,
        path text NOT NULL,
        status integer NOT NULL,
        idp text NOT NULL,
        user_agent text,
        duration_ms integer NOT NULL,
        request_body jsonb,
        detail text,
        at timestamptz NOT NULL
      )`);
    this.addSql(`CREATE INDEX provisioning_log_list_idx ON provisioning_log (list_id, at DESC, id DESC)`);
    this.addSql(`CREATE INDEX provisioning_log_at_idx ON provisioning_log (at)`);
  }
}

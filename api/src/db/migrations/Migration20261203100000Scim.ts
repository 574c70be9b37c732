import { Migration } from '@mikro-orm/migrations';

/**
 * SCIM 2.0 provisioning: a list's SCIM connection (its UID choice), its bearer tokens (SHA-256
 * only), and each provisioned user's SCIM identity kept apart from the UID: Rollcall's resource
 * id (the person's source anchor), the IdP's userName and externalId, and the resource as last
 * received, so a changed UID never creates a second person.
 */
export class Migration20261203100000Scim extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE scim_connection (
        list_id uuid PRIMARY KEY REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        unique_identifier text NOT NULL CHECK (unique_identifier IN ('EMPLOYEE_NUMBER', 'USERNAME', 'EMAIL')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE scim_token (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        prefix text NOT NULL,
        token_hash bytea NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    this.addSql(`CREATE INDEX scim_token_list_idx ON scim_token (list_id, created_at)`);
    this.addSql(`
      CREATE TABLE scim_user (
        person_id uuid PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        scim_id text NOT NULL,
        user_name text NOT NULL CHECK (length(user_name) > 0),
        external_id text,
        resource jsonb NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // userName is caseExact false (RFC 7643 §4.1.1): unique and looked up case-insensitively.
    // Identity providers look a user up by userName before every write: the hottest path.
    this.addSql(`CREATE UNIQUE INDEX scim_user_user_name_key ON scim_user (list_id, lower(user_name))`);
    this.addSql(`CREATE UNIQUE INDEX scim_user_scim_id_key ON scim_user (list_id, scim_id)`);
    this.addSql(`CREATE INDEX scim_user_external_id_idx ON scim_user (list_id, external_id) WHERE external_id IS NOT NULL`);
    this.addSql(`CREATE INDEX scim_user_created_idx ON scim_user (list_id, created_at, person_id)`);
    this.addSql(`CREATE INDEX scim_user_updated_idx ON scim_user (list_id, updated_at)`);
  }
}

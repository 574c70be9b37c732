import { Migration } from '@mikro-orm/migrations';

/**
 * SCIM groups of a list and their members (people provisioned by SCIM). Membership is also
 * written onto each member as the list's "groups" field, through the engine.
 */
export class Migration20261203101000ScimGroups extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE scim_group (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        display_name text NOT NULL CHECK (length(display_name) > 0),
        external_id text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE UNIQUE INDEX scim_group_display_name_key ON scim_group (list_id, lower(display_name))`);
    this.addSql(`CREATE INDEX scim_group_created_idx ON scim_group (list_id, created_at, id)`);
    this.addSql(`
      CREATE TABLE scim_group_member (
        group_id uuid NOT NULL REFERENCES scim_group(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        PRIMARY KEY (group_id, person_id)
      )`);
    this.addSql(`CREATE INDEX scim_group_member_person_idx ON scim_group_member (person_id)`);
  }
}

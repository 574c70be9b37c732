import { Migration } from '@mikro-orm/migrations';

/**
 * SCIM writers keep each list's write context (UID field, fields, mappings) for a few seconds
 * (one statement less per create, PUT and PATCH). A change to a list's fields, mappings or UID
 * field, by any process and any path, is announced on the event channel when it commits, so every
 * process forgets that list's context at once. Rows of one transaction give one event per list
 * (PostgreSQL folds identical notifications of a transaction into one).
 */
export class Migration20261204100000ListSchemaChangedNotify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE FUNCTION list_schema_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE r record;
      BEGIN
        IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
        -- The trigger's argument names the row's column holding the list id.
        PERFORM pg_notify('rollcall_events', json_build_object('type', 'list.schema_changed', 'organizationId', r.organization_id,
          'listId', to_jsonb(r) ->> TG_ARGV[0])::text);
        RETURN NULL;
      END $$`);
    this.addSql(`CREATE TRIGGER list_field_changed AFTER INSERT OR UPDATE OR DELETE ON list_field FOR EACH ROW EXECUTE FUNCTION list_schema_changed_notify('list_id')`);
    this.addSql(`CREATE TRIGGER field_mapping_changed AFTER INSERT OR UPDATE OR DELETE ON field_mapping FOR EACH ROW EXECUTE FUNCTION list_schema_changed_notify('list_id')`);
    this.addSql(`CREATE TRIGGER master_list_uid_field_changed AFTER UPDATE OF uid_field_id ON master_list FOR EACH ROW
      WHEN (NEW.uid_field_id IS DISTINCT FROM OLD.uid_field_id) EXECUTE FUNCTION list_schema_changed_notify('id')`);
  }
}

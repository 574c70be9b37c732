import { Migration } from '@mikro-orm/migrations';

/**
 * Every API process keeps SCIM tokens it has checked for a few seconds (one statement less per
 * request). A token revoked or deleted by any process, by any path (revokeScimToken, disconnect,
 * a list's deletion), is announced on the event channel when the change commits, so each process
 * forgets it at once.
 */
export class Migration20261203440001ScimTokenRevokedNotify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`CREATE FUNCTION scim_token_revoked_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('rollcall_events', json_build_object('type', 'scim_token.revoked', 'organizationId', OLD.organization_id, 'listId', OLD.list_id, 'tokenId', OLD.id)::text);
        RETURN NULL;
      END $$`);
    this.addSql(`CREATE TRIGGER scim_token_revoked AFTER UPDATE OF revoked_at ON scim_token FOR EACH ROW
      WHEN (NEW.revoked_at IS NOT NULL AND OLD.revoked_at IS NULL) EXECUTE FUNCTION scim_token_revoked_notify()`);
    this.addSql(`CREATE TRIGGER scim_token_deleted AFTER DELETE ON scim_token FOR EACH ROW EXECUTE FUNCTION scim_token_revoked_notify()`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Audit entries no longer check their organisation through a foreign key: every entry a sync
 * writes queued a deferred check that PostgreSQL ran at commit, one by one (~30–50 ms per 7,000
 * entries, on a delta run's path). Writers always take the organisation from the list they write
 * (whose own foreign key keeps it real), and the trail is never written apart from its list. What
 * the key also did, removing an organisation's trail with it, a trigger on `organization` does.
 */
export class Migration20261204230000AuditOrganizationTrigger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE audit_entry DROP CONSTRAINT IF EXISTS audit_entry_organization_id_fkey`);
    this.addSql(`
      CREATE FUNCTION rollcall_erase_organization_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM audit_entry WHERE organization_id = OLD.id;
        RETURN OLD;
      END $$`);
    this.addSql(`CREATE TRIGGER organization_erase_audit AFTER DELETE ON organization FOR EACH ROW EXECUTE FUNCTION rollcall_erase_organization_audit()`);
  }

  override async down(): Promise<void> {
    this.addSql(`DROP TRIGGER IF EXISTS organization_erase_audit ON organization`);
    this.addSql(`DROP FUNCTION IF EXISTS rollcall_erase_organization_audit()`);
    this.addSql(`ALTER TABLE audit_entry ADD CONSTRAINT audit_entry_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED`);
  }
}

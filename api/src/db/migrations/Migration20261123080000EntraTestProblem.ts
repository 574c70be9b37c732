import { Migration } from '@mikro-orm/migrations';

/** What was wrong at a connection's last test (TENANT, SECRET, PERMISSION, ...), kept with its message. */
export class Migration20261123080000EntraTestProblem extends Migration {
  override async up(): Promise<void> {
    this.addSql(`ALTER TABLE entra_connection ADD COLUMN last_test_problem text`);
  }
}

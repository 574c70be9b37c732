import { Migration } from '@mikro-orm/migrations';

/**
 * Sessions (a photo day, an ID-card print run): a snapshot of a list's matching people whose copy
 * is edited without touching the list. Changesets: what saving a session back would change, one
 * row per person and field with the three values (base, session, master), reviewed and applied
 * in one transaction, and rolled back from the values kept at apply.
 */
export class Migration20261203300000SessionsChangesets extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE list_session (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL,
        -- The listing filter the snapshot was taken with (status, search, field filters).
        filter jsonb NOT NULL,
        people_count int NOT NULL DEFAULT 0,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE INDEX list_session_list_idx ON list_session (list_id, created_at DESC)`);
    this.addSql(`
      CREATE TABLE session_person (
        session_id uuid NOT NULL REFERENCES list_session(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        uid text NOT NULL,
        -- The person's values when the snapshot was taken, and the session's copy of them.
        base jsonb NOT NULL,
        "values" jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (session_id, person_id)
      )`);
    this.addSql(`CREATE UNIQUE INDEX session_person_uid_idx ON session_person (session_id, uid, person_id)`);
    this.addSql(`
      CREATE TABLE session_photo (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        session_id uuid NOT NULL REFERENCES list_session(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        person_id uuid NOT NULL,
        content bytea NOT NULL,
        content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp')),
        sha256 text NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
        uploaded_by text NOT NULL,
        uploaded_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        FOREIGN KEY (session_id, person_id) REFERENCES session_person(session_id, person_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )`);
    this.addSql(`CREATE INDEX session_photo_person_idx ON session_photo (session_id, person_id, uploaded_at DESC)`);
    this.addSql(`
      CREATE TABLE changeset (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        session_id uuid REFERENCES list_session(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
        status text NOT NULL CHECK (status IN ('REVIEW', 'APPLIED', 'ROLLED_BACK', 'SUPERSEDED')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL,
        applied_by text,
        applied_at timestamptz,
        rolled_back_by text,
        rolled_back_at timestamptz
      )`);
    this.addSql(`CREATE INDEX changeset_list_idx ON changeset (list_id, created_at DESC)`);
    this.addSql(`
      CREATE TABLE changeset_change (
        id uuid PRIMARY KEY,
        changeset_id uuid NOT NULL REFERENCES changeset(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        -- A privacy erase of the person removes their values from every changeset too.
        person_id uuid NOT NULL REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        uid text NOT NULL,
        field text NOT NULL,
        -- JSON values; SQL NULL never appears: a missing value is the JSON null.
        base jsonb NOT NULL,
        session jsonb NOT NULL,
        master jsonb NOT NULL,
        kind text NOT NULL CHECK (kind IN ('CLEAN', 'CONFLICT', 'NOTHING', 'BLOCKED')),
        blocked_reason text,
        photo_id uuid,
        decision text NOT NULL DEFAULT 'PENDING' CHECK (decision IN ('PENDING', 'APPROVED', 'REJECTED', 'KEEP_MASTER', 'SKIPPED')),
        decided_by text,
        decided_at timestamptz,
        -- Set when the master changed after review and the change came back for another look.
        returned_at timestamptz,
        outcome text CHECK (outcome IN ('APPLIED', 'RESTORED', 'ROLLBACK_CONFLICT')),
        applied_before jsonb,
        position int NOT NULL
      )`);
    this.addSql(`CREATE INDEX changeset_change_idx ON changeset_change (changeset_id, position)`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Organisations, administrators, sessions, API tokens, master lists with their schema, people and
 * the audit trail. Every domain row carries organization_id so tenancy is checked in SQL.
 */
export class Migration20261123000000Foundation extends Migration {
  // Foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED): entities reference each
  // other by id columns rather than ORM relations, so the unit of work may insert in any order.
  override async up(): Promise<void> {
    this.addSql(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    this.addSql(`
      CREATE TABLE organization (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`
      CREATE TABLE member (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'VIEWER')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_sign_in_at timestamptz
      )`);
    // Sign-in is by email alone, so an address belongs to one administrator across the instance.
    this.addSql(`CREATE UNIQUE INDEX member_email_key ON member (lower(email))`);
    this.addSql(`CREATE INDEX member_org_idx ON member (organization_id)`);
    this.addSql(`
      CREATE TABLE auth_session (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        member_id uuid NOT NULL REFERENCES member(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        ip text,
        user_agent text
      )`);
    this.addSql(`CREATE INDEX auth_session_member_idx ON auth_session (member_id)`);
    this.addSql(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        member_id uuid NOT NULL REFERENCES member(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        prefix text NOT NULL,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    this.addSql(`CREATE INDEX api_token_org_idx ON api_token (organization_id)`);
    this.addSql(`
      CREATE TABLE master_list (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        uid_field_id uuid,
        sync_provider text,
        archived_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql(`CREATE UNIQUE INDEX master_list_name_key ON master_list (organization_id, lower(name))`);
    this.addSql(`
      CREATE TABLE list_field (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
        type text NOT NULL CHECK (type IN ('TEXT','EMAIL','PHONE','NUMBER','DATE','BOOLEAN','URL','PHOTO')),
        required boolean NOT NULL DEFAULT false,
        description text,
        position integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT list_field_key_unique UNIQUE (list_id, key)
      )`);
    this.addSql(`ALTER TABLE master_list ADD CONSTRAINT master_list_uid_field_fk
      FOREIGN KEY (uid_field_id) REFERENCES list_field(id) DEFERRABLE INITIALLY DEFERRED`);
    // A source's mapping of its attribute onto a list field. While the list's sync_provider equals
    // provider, the field is locked against manual edits.
    this.addSql(`
      CREATE TABLE field_mapping (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        field_id uuid NOT NULL REFERENCES list_field(id) ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED,
        provider text NOT NULL,
        source_attribute text NOT NULL,
        transform text NOT NULL DEFAULT 'DIRECT',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT field_mapping_unique UNIQUE (list_id, provider, field_id)
      )`);
    // Search text is derived in the database so every writer (ORM, bulk sync SQL) keeps it true.
    this.addSql(`
      CREATE FUNCTION rollcall_search_text(uid text, v jsonb) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT lower(uid || ' ' || coalesce((SELECT string_agg(e.value, ' ') FROM jsonb_each_text(v) e), ''))
      $$`);
    this.addSql(`
      CREATE TABLE person (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL REFERENCES master_list(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        uid text NOT NULL CHECK (length(uid) > 0),
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE')),
        "values" jsonb NOT NULL DEFAULT '{}'::jsonb,
        source text,
        source_anchor text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz,
        search_text text GENERATED ALWAYS AS (rollcall_search_text(uid, "values")) STORED,
        CONSTRAINT person_uid_unique UNIQUE (list_id, uid)
      )`);
    this.addSql(`CREATE UNIQUE INDEX person_anchor_key ON person (list_id, source, source_anchor) WHERE source_anchor IS NOT NULL`);
    this.addSql(`CREATE INDEX person_list_status_uid_idx ON person (list_id, status, uid, id)`);
    this.addSql(`CREATE INDEX person_list_created_idx ON person (list_id, created_at, id)`);
    this.addSql(`CREATE INDEX person_list_updated_idx ON person (list_id, updated_at, id)`);
    this.addSql(`CREATE INDEX person_search_trgm_idx ON person USING gin (search_text gin_trgm_ops)`);
    this.addSql(`
      CREATE TABLE audit_entry (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid,
        person_id uuid,
        entity_type text NOT NULL,
        entity_id uuid NOT NULL,
        action text NOT NULL,
        actor_type text NOT NULL,
        actor_id text,
        actor_label text NOT NULL,
        changes jsonb NOT NULL DEFAULT '[]'::jsonb,
        at timestamptz NOT NULL DEFAULT now(),
        seq bigserial NOT NULL
      )`);
    this.addSql(`CREATE INDEX audit_person_idx ON audit_entry (organization_id, person_id, seq DESC) WHERE person_id IS NOT NULL`);
    this.addSql(`CREATE INDEX audit_list_idx ON audit_entry (organization_id, list_id, seq DESC)`);
  }
}

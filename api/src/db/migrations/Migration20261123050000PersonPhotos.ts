import { Migration } from '@mikro-orm/migrations';

/**
 * Photos imported from a directory, served at /photos/<person id>. A person's PHOTO field points at
 * its photo (`/photos/<id>?v=<hash>`); a photo captured or set in Rollcall is any other value and
 * is never overwritten by a sync.
 */
export class Migration20261123050000PersonPhotos extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE person_photo (
        person_id uuid PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
        list_id uuid NOT NULL,
        content bytea NOT NULL,
        content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp')),
        sha256 text NOT NULL,
        -- The directory's version tag of the photo: unchanged means no download.
        source_etag text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }
}

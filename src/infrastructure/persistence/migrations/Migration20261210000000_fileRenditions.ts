import { Migration } from '@mikro-orm/migrations';

/** Thumbnails and previews of image files: one row per file and kind, gone with the file's row. */
export class Migration20261210000000_fileRenditions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table file_renditions (
        file_id uuid not null references files (id) on delete cascade,
        kind text not null check (kind in ('thumb', 'preview')),
        status text not null check (status in ('ready', 'failed')),
        provider_id text,
        storage_key text,
        content_type text,
        width integer,
        height integer,
        size bigint,
        sha256 text,
        failure_reason text,
        created_at timestamptz not null,
        primary key (file_id, kind),
        check ((status = 'ready') = (provider_id is not null and storage_key is not null and sha256 is not null))
      );
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists file_renditions;');
  }
}

import { Migration } from '@mikro-orm/migrations';

/** Per-user storage counters, recounted from `files` by the recurring quota-recount job. */
export class Migration20261212000000_storageUsage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table storage_usage (
        owner_id text primary key,
        files integer not null,
        bytes bigint not null,
        trash_files integer not null,
        trash_bytes bigint not null,
        recounted_at timestamptz not null
      );
      create index files_owner_status on files (owner_id, status);
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists storage_usage; drop index if exists files_owner_status;');
  }
}

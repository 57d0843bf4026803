import { Migration } from '@mikro-orm/migrations';

/** Restores of archived files: one row per retrieval request; at most one active per file. */
export class Migration20261201100000_retrievalRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table retrieval_requests (
        id uuid primary key,
        file_id uuid not null references files (id) on delete cascade,
        owner_id text not null,
        requested_by text not null,
        provider_id text not null,
        storage_key text not null,
        tier text not null,
        days integer not null,
        status text not null,
        restore_handle text,
        requested_at timestamptz not null,
        estimated_ready_at timestamptz not null,
        completed_at timestamptz,
        available_until timestamptz,
        failure_reason text,
        checks integer not null default 0,
        last_checked_at timestamptz,
        next_check_at timestamptz,
        updated_at timestamptz not null,
        version integer not null
      );
      create unique index retrieval_requests_active on retrieval_requests (file_id) where status in ('requested', 'in-progress', 'ready');
      create index retrieval_requests_due on retrieval_requests (next_check_at) where status in ('requested', 'in-progress', 'ready');
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists retrieval_requests;');
  }
}

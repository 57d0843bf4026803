import { Migration } from '@mikro-orm/migrations';

/** Resumable (tus) uploads: one row per upload session; the staged bytes live in the staging store. */
export class Migration20261201000000_uploadSessions extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table upload_sessions (
        id uuid primary key,
        owner_id text not null,
        status text not null,
        length bigint,
        upload_offset bigint not null default 0,
        max_length bigint not null,
        target jsonb not null,
        client_metadata jsonb not null default '{}',
        concat_kind text not null default 'none',
        concat_parts uuid[] not null default '{}',
        file_id uuid,
        end_reason text,
        ttl_ms bigint not null,
        expires_at timestamptz not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null
      );
      create index upload_sessions_owner_active on upload_sessions (owner_id) where status = 'active';
      create index upload_sessions_expiry on upload_sessions (expires_at) where status = 'active';
      create index upload_sessions_ended on upload_sessions (updated_at) where status <> 'active';

      -- Staged bytes for the database staging store (several API instances without a shared disk).
      create table upload_chunks (
        session_id uuid not null,
        start_offset bigint not null,
        data bytea not null,
        primary key (session_id, start_offset)
      );
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table upload_chunks; drop table upload_sessions;');
  }
}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261123000000_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null,
        password_hash text not null,
        roles text[] not null default '{user}',
        created_at timestamptz not null default now()
      );
      create unique index users_email_uq on users (lower(email));

      create table refresh_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        family_id uuid not null,
        token_hash char(64) not null unique,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      );
      create index refresh_tokens_family on refresh_tokens (family_id);

      create table files (
        id uuid primary key,
        owner_id text not null,
        name text not null,
        mime_type text not null,
        category text not null,
        size bigint,
        sha256 char(64),
        status text not null,
        status_before_delete text,
        locations jsonb not null default '[]',
        captured_at timestamptz,
        tags text[] not null default '{}',
        entity_type text,
        entity_id text,
        description text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        deleted_at timestamptz,
        version integer not null
      );
      create index files_owner_created on files (owner_id, created_at desc, id desc);
      create index files_created on files (created_at desc, id desc);
      create index files_tags on files using gin (tags);
      create index files_entity on files (owner_id, entity_type, entity_id) where entity_type is not null;
      create index files_deleted_at on files (deleted_at) where deleted_at is not null;
      -- Dedup: one live copy of the same bytes per owner. Deleted and failed files do not count.
      create unique index files_owner_sha256_live on files (owner_id, sha256) where status in ('completed', 'archived');

      create table outbox (
        seq bigserial primary key,
        id uuid not null unique,
        aggregate_type text not null,
        aggregate_id text not null,
        event_name text not null,
        payload jsonb not null,
        occurred_at timestamptz not null,
        published_at timestamptz
      );
      create index outbox_unpublished on outbox (seq) where published_at is null;

      -- The database storage provider: objects cut into fixed-size chunks, never one big value.
      create table storage_objects (
        key text primary key,
        size bigint not null,
        sha256 char(64) not null,
        chunk_size integer not null,
        content_type text,
        created_at timestamptz not null default now()
      );
      create table storage_chunks (
        key text not null,
        seq integer not null,
        data bytea not null,
        primary key (key, seq)
      );
      -- File bytes are mostly compressed already: skip TOAST compression, keep out-of-line storage.
      alter table storage_chunks alter column data set storage external;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists storage_chunks, storage_objects, outbox, files, refresh_tokens, users cascade;');
  }
}

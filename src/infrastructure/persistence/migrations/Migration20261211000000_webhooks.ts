import { Migration } from '@mikro-orm/migrations';

/** Webhook endpoints (one user's, a few each) and their delivery log, one row per attempt. */
export class Migration20261211000000_webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table webhook_endpoints (
        id uuid primary key,
        owner_id text not null,
        url text not null,
        event_types text[] not null,
        secret text not null,
        active boolean not null default true,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        version integer not null
      );
      create index webhook_endpoints_owner on webhook_endpoints (owner_id, created_at);

      create table webhook_deliveries (
        id uuid primary key,
        endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
        event_id uuid not null,
        event_type text not null,
        attempt integer not null,
        status text not null check (status in ('pending', 'succeeded', 'failed')),
        response_status integer,
        response_excerpt text,
        error text,
        duration_ms integer,
        created_at timestamptz not null
      );
      create index webhook_deliveries_endpoint_created on webhook_deliveries (endpoint_id, created_at desc, id desc);
    `);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists webhook_deliveries; drop table if exists webhook_endpoints;');
  }
}

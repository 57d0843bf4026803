import { Migration } from '@mikro-orm/migrations';

/**
 * Since when a restore runs at its tier: a faster tier can take over a running restore, and its give-up time counts
 * from then.
 */
export class Migration20261214000000_retrievalTierSince extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table retrieval_requests add column tier_since timestamptz;
      update retrieval_requests set tier_since = requested_at;
      alter table retrieval_requests alter column tier_since set not null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table retrieval_requests drop column if exists tier_since;');
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Events of one save share a commit id (a commit is never split); the relay claims rows under a
 * batch id before enqueueing that batch as one job, so a retried batch has the same id and rows.
 */
export class Migration20261123010000_outboxCommits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table outbox add column commit_id uuid, add column relay_batch uuid;
      create index outbox_claimed on outbox (relay_batch) where relay_batch is not null and published_at is null;
    `);
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox drop column commit_id, drop column relay_batch;');
  }
}

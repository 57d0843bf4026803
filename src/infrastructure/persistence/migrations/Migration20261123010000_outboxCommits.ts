import { Migration } from '@mikro-orm/migrations';

/** Events of one save share a commit id, so the relay can deliver them as one job. */
export class Migration20261123010000_outboxCommits extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox add column commit_id uuid;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox drop column commit_id;');
  }
}

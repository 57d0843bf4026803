import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook secrets encrypted at rest, and the secret a rotation replaced (signing too until its
 * expiry). SQL has no key, so existing secrets stay plain text here: they are read as plain (no
 * `v1:` prefix) and encrypted by WebhookSecretResealing at the next start, or by their next save.
 * The few whose plain text itself starts with `v0:` or `v1:` are marked `v0:` so they are not
 * mistaken for encrypted values.
 */
export class Migration20261213000000_webhookSecretRotation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      alter table webhook_endpoints
        add column previous_secret text,
        add column previous_secret_expires_at timestamptz,
        add constraint webhook_endpoints_previous_secret_expiry check ((previous_secret is null) = (previous_secret_expires_at is null));
      update webhook_endpoints set secret = 'v0:' || secret where secret ~ '^v[01]:';
    `);
  }

  /** Secrets encrypted since stay encrypted (SQL has no key): going back loses them; rotate afterwards. */
  override async down(): Promise<void> {
    this.addSql(`
      update webhook_endpoints set secret = substr(secret, 4) where secret like 'v0:%';
      alter table webhook_endpoints drop constraint if exists webhook_endpoints_previous_secret_expiry,
        drop column if exists previous_secret, drop column if exists previous_secret_expires_at;
    `);
  }
}

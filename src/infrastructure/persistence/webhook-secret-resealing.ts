import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SecretCipher, SecretUnreadableError } from './secret-cipher';
import { webhookSecretContext } from './webhook-endpoint.mapper';

interface StoredSecrets {
  id: string;
  secret: string;
  previous_secret: string | null;
}

export interface ResealingReport {
  /** Rows whose secrets were encrypted under the current key (from plain text or an older key). */
  resealed: number;
  /** Rows left as they are because a secret in them cannot be opened (deliveries to them fail until rotated). */
  unreadable: number;
  /** Retired secrets past their grace period, erased. */
  forgotten: number;
}

/**
 * At every start, encrypts under the current key the webhook secrets still in plain text (rows from
 * before encryption; the migration has no key) or under an older key (after a key rotation), so an
 * old key can be dropped once a start has logged nothing left; and erases retired secrets whose
 * grace period is over. Each row is compared-and-set on its stored values, so instances starting
 * together, or a save racing this, never lose a change; the plain text is unchanged, so the
 * endpoint's version is not.
 */
@Injectable()
export class WebhookSecretResealing implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookSecrets');

  constructor(
    private readonly em: EntityManager,
    private readonly cipher: SecretCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const report = await this.run();
      if (report.resealed || report.forgotten)
        this.logger.log(
          `re-encrypted the secrets of ${report.resealed} webhook endpoint(s) under the current key; erased ${report.forgotten} expired retired secret(s)`,
        );
      if (report.unreadable)
        this.logger.warn(
          `${report.unreadable} webhook endpoint(s) have a secret that cannot be decrypted; their deliveries fail until the secret is rotated`,
        );
    } catch (error) {
      // Not fatal: every stored form is still readable; the next start tries again.
      this.logger.warn(`re-encrypting webhook secrets failed: ${(error as Error).message}`);
    }
  }

  async run(batchSize = 200): Promise<ResealingReport> {
    const knex = this.em.getKnex();
    const erased = await knex.raw<{ rowCount: number | null }>(
      'update webhook_endpoints set previous_secret = null, previous_secret_expires_at = null where previous_secret_expires_at <= now()',
    );
    const report: ResealingReport = { resealed: 0, unreadable: 0, forgotten: erased.rowCount ?? 0 };
    const prefix = this.cipher.currentPrefix;
    for (let after = ''; ;) {
      const { rows } = await knex.raw<{ rows: StoredSecrets[] }>(
        `select id::text, secret, previous_secret from webhook_endpoints
         where id::text > ? and (not starts_with(secret, ?) or not starts_with(previous_secret, ?)) order by id::text limit ?`,
        [after, prefix, prefix, batchSize],
      );
      for (const row of rows) {
        const resealed = this.reseal(row);
        if (!resealed) report.unreadable++;
        else {
          const { rowCount } = await knex.raw<{ rowCount: number | null }>(
            'update webhook_endpoints set secret = ?, previous_secret = ? where id = ? and secret = ? and previous_secret is not distinct from ?',
            [resealed.secret, resealed.previous_secret, row.id, row.secret, row.previous_secret],
          );
          report.resealed += rowCount ?? 0;
        }
        after = row.id;
      }
      if (rows.length < batchSize) return report;
    }
  }

  private reseal(row: StoredSecrets): Omit<StoredSecrets, 'id'> | null {
    const context = webhookSecretContext(row.id);
    const reseal = (stored: string) =>
      this.cipher.isStale(stored) ? this.cipher.seal(this.cipher.open(stored, context), context) : stored;
    try {
      return {
        secret: reseal(row.secret),
        previous_secret: row.previous_secret === null ? null : reseal(row.previous_secret),
      };
    } catch (error) {
      if (error instanceof SecretUnreadableError) return null;
      throw error;
    }
  }
}

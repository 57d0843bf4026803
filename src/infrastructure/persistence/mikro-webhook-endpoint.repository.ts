import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isUuid } from '../../domain/shared';
import { WebhookChangedConcurrentlyError, WebhookEndpoint, WebhookEndpointRepository } from '../../domain/webhooks';
import { SecretCipher } from './secret-cipher';
import { WEBHOOK_ENDPOINT_COLUMNS, WebhookEndpointMapper, WebhookEndpointRow } from './webhook-endpoint.mapper';

const COLUMNS = WEBHOOK_ENDPOINT_COLUMNS.join(', ');
const EVENT_TYPES = 'array(select jsonb_array_elements_text(?::jsonb))';
const INSERT_VALUES = WEBHOOK_ENDPOINT_COLUMNS.map((c) => (c === 'event_types' ? EVENT_TYPES : '?')).join(', ');

/**
 * Secrets are sealed on every write: a row still in plain text (or under an older key) is re-encrypted by its next
 * save.
 */
@Injectable()
export class MikroWebhookEndpointRepository implements WebhookEndpointRepository {
  private readonly mapper: WebhookEndpointMapper;

  constructor(
    private readonly em: EntityManager,
    cipher: SecretCipher,
  ) {
    this.mapper = new WebhookEndpointMapper(cipher);
  }

  async findById(id: string): Promise<WebhookEndpoint | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.rows(`select ${COLUMNS} from webhook_endpoints where id = ?`, [id.toLowerCase()]);
    return row ? this.mapper.toDomain(row) : null;
  }

  async listByOwner(ownerId: string): Promise<WebhookEndpoint[]> {
    const rows = await this.rows(
      `select ${COLUMNS} from webhook_endpoints where owner_id = ? order by created_at, id`,
      [ownerId],
    );
    return rows.map((r) => this.mapper.toDomain(r));
  }

  async findSubscribed(ownerId: string, eventType: string): Promise<WebhookEndpoint[]> {
    const rows = await this.rows(
      `select ${COLUMNS} from webhook_endpoints where owner_id = ? and active and ? = any (event_types) order by created_at, id`,
      [ownerId, eventType],
    );
    return rows.map((r) => this.mapper.toDomain(r));
  }

  async insertWithinLimit(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean> {
    // The owner's lock makes count-then-insert exact when two registrations race.
    const inserted = await this.em.getKnex().transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`webhook-endpoints:${endpoint.ownerId}`]);
      const { rows } = await trx.raw<{ rows: { n: number }[] }>(
        'select count(*)::int as n from webhook_endpoints where owner_id = ?',
        [endpoint.ownerId],
      );
      if (rows[0].n >= maxPerOwner) return false;
      const values = this.mapper.toColumns(endpoint, 1);
      await trx.raw(
        `insert into webhook_endpoints (${COLUMNS}) values (${INSERT_VALUES})`,
        WEBHOOK_ENDPOINT_COLUMNS.map((c) => values[c]) as never[],
      );
      return true;
    });
    if (inserted) endpoint.markPersisted(1);
    return inserted;
  }

  async save(endpoint: WebhookEndpoint): Promise<void> {
    const v = this.mapper.toColumns(endpoint, endpoint.version + 1);
    const { rowCount } = await this.em.getKnex().raw<{ rowCount: number | null }>(
      `update webhook_endpoints set url = ?, event_types = ${EVENT_TYPES}, secret = ?, previous_secret = ?, previous_secret_expires_at = ?, active = ?, updated_at = ?, version = ?
       where id = ? and version = ?`,
      [
        v.url,
        v.event_types,
        v.secret,
        v.previous_secret,
        v.previous_secret_expires_at,
        v.active,
        v.updated_at,
        v.version,
        v.id,
        endpoint.version,
      ] as never[],
    );
    if (rowCount !== 1) throw new WebhookChangedConcurrentlyError(endpoint.id);
    endpoint.markPersisted(endpoint.version + 1);
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { rowCount } = await this.em
      .getKnex()
      .raw<{ rowCount: number | null }>('delete from webhook_endpoints where id = ?', [id.toLowerCase()]);
    return rowCount === 1;
  }

  private async rows(sql: string, bindings: unknown[]): Promise<WebhookEndpointRow[]> {
    const { rows } = await this.em.getKnex().raw<{ rows: WebhookEndpointRow[] }>(sql, bindings as never[]);
    return rows;
  }
}

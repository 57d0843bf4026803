import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DeliveryAttemptPage, DeliveryAttemptView, WebhookDeliveryLog } from '../../application/webhooks/ports';
import { decodeCursor, encodeCursor } from './keyset-cursor';

interface Row {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  status: DeliveryAttemptView['status'];
  response_status: number | null;
  response_excerpt: string | null;
  error: string | null;
  duration_ms: number | null;
  created_at: Date | string;
}

/** The `webhook_deliveries` table; pages are keyset over (created_at, id), newest first. */
@Injectable()
export class SqlWebhookDeliveryLog implements WebhookDeliveryLog {
  constructor(private readonly em: EntityManager) {}

  async prune(before: Date): Promise<number> {
    const result: { rowCount: number } = await this.em
      .getKnex()
      .raw('delete from webhook_deliveries where created_at < ?', [before]);
    return result.rowCount ?? 0;
  }

  async started(a: {
    id: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    attempt: number;
    createdAt: Date;
  }): Promise<void> {
    await this.em
      .getKnex()
      .raw(
        `insert into webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, status, created_at) values (?, ?, ?, ?, ?, 'pending', ?)`,
        [a.id, a.endpointId, a.eventId, a.eventType, a.attempt, a.createdAt],
      );
  }

  async finished(id: string, r: Parameters<WebhookDeliveryLog['finished']>[1]): Promise<void> {
    // The endpoint may have been deleted meanwhile (its rows with it): nothing to complete then.
    await this.em
      .getKnex()
      .raw(
        'update webhook_deliveries set status = ?, response_status = ?, response_excerpt = ?, error = ?, duration_ms = ? where id = ?',
        [r.status, r.responseStatus, r.responseExcerpt, r.error?.replaceAll('\u0000', '') ?? null, r.durationMs, id],
      );
  }

  async list(endpointId: string, limit: number, cursor?: string): Promise<DeliveryAttemptPage> {
    const after = cursor ? decodeCursor(cursor) : null;
    const { rows } = await this.em.getKnex().raw<{ rows: Row[] }>(
      `select id, endpoint_id, event_id, event_type, attempt, status, response_status, response_excerpt, error, duration_ms, created_at
         from webhook_deliveries where endpoint_id = ? ${after ? 'and (created_at, id) < (?, ?)' : ''}
         order by created_at desc, id desc limit ?`,
      [endpointId, ...(after ?? []), limit + 1] as never[],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(new Date(last.created_at).toISOString(), last.id) : null,
    };
  }
}

function toView(r: Row): DeliveryAttemptView {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    attempt: r.attempt,
    status: r.status,
    responseStatus: r.response_status,
    responseExcerpt: r.response_excerpt,
    error: r.error,
    durationMs: r.duration_ms,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

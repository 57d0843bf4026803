export type DeliveryAttemptStatus = 'pending' | 'succeeded' | 'failed';

/** One attempt to deliver an event to an endpoint, as the delivery log keeps it. */
export interface DeliveryAttemptView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** 1 for the first try, counting retries. */
  attempt: number;
  /** `pending` while the request is under way (or if the worker died during it). */
  status: DeliveryAttemptStatus;
  responseStatus: number | null;
  responseExcerpt: string | null;
  error: string | null;
  durationMs: number | null;
  createdAt: string;
}

export interface DeliveryAttemptPage {
  items: DeliveryAttemptView[];
  nextCursor: string | null;
}

/** Port: the delivery log, one row per attempt, written before the request and completed after it. */
export interface WebhookDeliveryLog {
  started(attempt: {
    id: string;
    endpointId: string;
    eventId: string;
    eventType: string;
    attempt: number;
    createdAt: Date;
  }): Promise<void>;
  finished(
    id: string,
    result: {
      status: 'succeeded' | 'failed';
      responseStatus: number | null;
      responseExcerpt: string | null;
      error: string | null;
      durationMs: number;
    },
  ): Promise<void>;
  /** Newest first; `cursor` is the `nextCursor` of the previous page. */
  list(endpointId: string, limit: number, cursor?: string): Promise<DeliveryAttemptPage>;
  /** Forgets attempts older than `before`; answers how many. */
  prune(before: Date): Promise<number>;
}
export const WEBHOOK_DELIVERY_LOG = Symbol('WebhookDeliveryLog');

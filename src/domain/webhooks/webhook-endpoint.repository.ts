import { WebhookEndpoint } from './webhook-endpoint';

/** Port: loads and saves WebhookEndpoint aggregates. */
export interface WebhookEndpointRepository {
  findById(id: string): Promise<WebhookEndpoint | null>;
  /** The owner's endpoints, oldest first. */
  listByOwner(ownerId: string): Promise<WebhookEndpoint[]>;
  /** The owner's active endpoints subscribed to `eventType`. */
  findSubscribed(ownerId: string, eventType: string): Promise<WebhookEndpoint[]>;
  /** Inserts a new endpoint unless its owner already has `maxPerOwner`; false when over the limit. */
  insertWithinLimit(endpoint: WebhookEndpoint, maxPerOwner: number): Promise<boolean>;
  /** Saves a loaded endpoint; throws WebhookChangedConcurrentlyError on a stale version. */
  save(endpoint: WebhookEndpoint): Promise<void>;
  /** Deletes the endpoint and its delivery log; false when it was not there. */
  delete(id: string): Promise<boolean>;
}

export const WEBHOOK_ENDPOINT_REPOSITORY = Symbol('WebhookEndpointRepository');

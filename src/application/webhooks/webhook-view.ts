import { WebhookEndpoint, WebhookEndpointRepository, WebhookNotFoundError } from '../../domain/webhooks';
import { Actor } from '../../domain/auth/role';

/** What the API shows of an endpoint: never its secret (that is shown once, at registration or rotation). */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function toWebhookView(endpoint: WebhookEndpoint): WebhookView {
  const s = endpoint.snapshot();
  return {
    id: s.id,
    url: s.url.href,
    events: [...s.eventTypes.values],
    active: s.active,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The caller's own endpoint; anyone else's (admins' included: it holds a secret) is "not found". */
export async function loadOwnEndpoint(
  endpoints: WebhookEndpointRepository,
  actor: Actor,
  id: string,
): Promise<WebhookEndpoint> {
  const endpoint = await endpoints.findById(id);
  if (!endpoint || !endpoint.isOwnedBy(actor.userId)) throw new WebhookNotFoundError(id);
  return endpoint;
}

import { DomainError } from '../shared';

export class WebhookNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'webhook-not-found';
  constructor(id: string) {
    super(`No webhook endpoint with id ${id}.`);
  }
}

/** The per-user limit on registered endpoints. */
export class WebhookLimitReachedError extends DomainError {
  readonly kind = 'too-many' as const;
  readonly code = 'webhook-limit-reached';
  constructor(readonly max: number) {
    super(`You have ${max} webhook endpoints, the most allowed; delete one first.`);
  }
}

/** The URL's host is (or resolves to) an address deliveries may not go to: loopback, private, link-local, … */
export class WebhookTargetNotAllowedError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code = 'webhook-url-not-allowed';
  constructor(
    readonly host: string,
    reason: string,
  ) {
    super(`Webhooks cannot be delivered to ${host}: ${reason}.`, [
      { field: 'url', message: `must point at a public address (${reason})` },
    ]);
  }
}

export class WebhookChangedConcurrentlyError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'concurrent-modification';
  constructor(id: string) {
    super(`Webhook endpoint ${id} was changed by another request; reload it and try again.`);
  }
}

/** The endpoint's signing secret is stored but cannot be read back: deliveries cannot be signed until it is rotated. */
export class WebhookSecretUnreadableError extends DomainError {
  readonly kind = 'unprocessable' as const;
  readonly code = 'webhook-secret-unreadable';
  constructor(readonly reason: string) {
    super(
      `The endpoint's signing secret cannot be read (${reason}). Nothing was sent; rotate the endpoint's secret to resume deliveries.`,
    );
  }
}

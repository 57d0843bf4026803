import { AggregateRoot, DomainError, FieldError, ValidationError } from '../shared';
import { WebhookEventTypes } from './webhook-event-types';
import { WebhookSecret } from './webhook-secret';
import { WebhookUrl } from './webhook-url';
import { WebhookSecretUnreadableError } from './webhook.errors';

export interface WebhookEndpointState {
  id: string;
  ownerId: string;
  url: WebhookUrl;
  eventTypes: WebhookEventTypes;
  secret: WebhookSecret;
  /** The secret a rotation replaced: deliveries are signed with it too until `expiresAt`. */
  previousSecret: { secret: WebhookSecret; expiresAt: Date } | null;
  /** An inactive endpoint keeps its settings and log but is sent nothing (except pings). */
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookUrlPolicy {
  allowHttp: boolean;
}

/** What a client may change on an endpoint; the secret changes only by rotation. */
export interface WebhookEndpointChanges {
  url?: WebhookUrl;
  eventTypes?: WebhookEventTypes;
  active?: boolean;
}

/**
 * A user's webhook endpoint: where their events are delivered, which ones, and the secret deliveries
 * are signed with. It records no domain events: it is configuration, and nothing reacts to it
 * changing (an event about webhooks would only invite loops).
 */
export class WebhookEndpoint extends AggregateRoot {
  private constructor(
    private state: WebhookEndpointState,
    version: number,
  ) {
    super(state.id, version);
  }

  /** Validates a registration's raw fields together, so a client learns every bad field at once. */
  static validateRegistration(
    raw: { url: string; events: readonly string[]; secret?: string },
    policy: WebhookUrlPolicy,
  ) {
    return validateAll({
      url: () => WebhookUrl.parse(raw.url, policy),
      eventTypes: () => WebhookEventTypes.of(raw.events),
      secret: () => (raw.secret === undefined ? undefined : WebhookSecret.of(raw.secret)),
    });
  }

  static validateChanges(
    raw: { url?: string; events?: readonly string[]; active?: boolean },
    policy: WebhookUrlPolicy,
  ): WebhookEndpointChanges {
    return validateAll({
      url: () => (raw.url === undefined ? undefined : WebhookUrl.parse(raw.url, policy)),
      eventTypes: () => (raw.events === undefined ? undefined : WebhookEventTypes.of(raw.events)),
      active: () => raw.active,
    });
  }

  static register(
    props: Omit<WebhookEndpointState, 'previousSecret' | 'active' | 'createdAt' | 'updatedAt'> & { now: Date },
  ): WebhookEndpoint {
    const { now, ...facts } = props;
    return new WebhookEndpoint({ ...facts, previousSecret: null, active: true, createdAt: now, updatedAt: now }, 0);
  }

  static reconstitute(state: WebhookEndpointState, version: number): WebhookEndpoint {
    return new WebhookEndpoint({ ...state }, version);
  }

  get ownerId(): string {
    return this.state.ownerId;
  }
  get url(): WebhookUrl {
    return this.state.url;
  }
  get eventTypes(): WebhookEventTypes {
    return this.state.eventTypes;
  }
  get secret(): WebhookSecret {
    return this.state.secret;
  }
  get active(): boolean {
    return this.state.active;
  }

  isOwnedBy(userId: string): boolean {
    return this.state.ownerId === userId;
  }

  /** Whether an event of this type should be delivered here now. */
  wants(eventType: string): boolean {
    return this.state.active && this.state.eventTypes.includes(eventType);
  }

  /**
   * Signing secrets for a delivery now: the current one, and during a rotation's grace period the
   * one it replaced, so receivers can switch without missing an event. Throws
   * WebhookSecretUnreadableError when one of them cannot be read.
   */
  signingSecrets(now: Date): { current: WebhookSecret; previous?: WebhookSecret } {
    const retiring = this.state.previousSecret;
    const previous = retiring && retiring.expiresAt > now ? retiring.secret : undefined;
    for (const secret of [this.state.secret, previous]) {
      if (secret && !secret.readable)
        throw new WebhookSecretUnreadableError(secret.unreadableReason ?? 'unknown reason');
    }
    return previous ? { current: this.state.secret, previous } : { current: this.state.secret };
  }

  /**
   * Replaces the signing secret. The old one keeps signing for `graceMs` (unless it was unreadable);
   * a secret retired by an earlier rotation is dropped: deliveries carry at most two signatures.
   */
  rotateSecret(next: WebhookSecret, now: Date, graceMs: number): void {
    if (next.equals(this.state.secret)) {
      throw new ValidationError('The new webhook secret must differ from the current one.', {
        code: 'webhook-secret-unchanged',
        fieldErrors: [{ field: 'secret', message: 'must differ from the current secret' }],
      });
    }
    const retiring = this.state.secret;
    this.state.previousSecret =
      retiring.readable && graceMs > 0 ? { secret: retiring, expiresAt: new Date(now.getTime() + graceMs) } : null;
    this.state.secret = next;
    this.state.updatedAt = now;
  }

  reconfigure(changes: WebhookEndpointChanges, now: Date): void {
    if (changes.url) this.state.url = changes.url;
    if (changes.eventTypes) this.state.eventTypes = changes.eventTypes;
    if (changes.active !== undefined) this.state.active = changes.active;
    this.state.updatedAt = now;
  }

  snapshot(): Readonly<WebhookEndpointState> {
    return { ...this.state };
  }
}

/** Runs each field's validation, collecting every field error into one ValidationError. */
function validateAll<T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } {
  const result = {} as { [K in keyof T]: ReturnType<T[K]> };
  const problems: { message: string; fieldErrors: FieldError[]; code: string }[] = [];
  for (const key of Object.keys(checks) as (keyof T)[]) {
    try {
      result[key] = checks[key]() as ReturnType<T[typeof key]>;
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'validation') throw error;
      problems.push({ message: error.message, fieldErrors: error.fieldErrors ?? [], code: error.code });
    }
  }
  if (problems.length === 1)
    throw new ValidationError(problems[0].message, { code: problems[0].code, fieldErrors: problems[0].fieldErrors });
  if (problems.length > 1) {
    throw new ValidationError(problems.map((p) => p.message).join(' '), {
      fieldErrors: problems.flatMap((p) => p.fieldErrors),
    });
  }
  return result;
}

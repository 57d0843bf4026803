import { AggregateRoot, DomainError, FieldError, ValidationError } from '../shared';
import { WebhookEventTypes } from './webhook-event-types';
import { WebhookSecret } from './webhook-secret';
import { WebhookUrl } from './webhook-url';

export interface WebhookEndpointState {
  id: string;
  ownerId: string;
  url: WebhookUrl;
  eventTypes: WebhookEventTypes;
  secret: WebhookSecret;
  /** An inactive endpoint keeps its settings and log but is sent nothing (except pings). */
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookUrlPolicy {
  allowHttp: boolean;
}

/** What a client may change on an endpoint; the secret is fixed at registration. */
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
  static validateRegistration(raw: { url: string; events: readonly string[]; secret?: string }, policy: WebhookUrlPolicy) {
    return validateAll({
      url: () => WebhookUrl.parse(raw.url, policy),
      eventTypes: () => WebhookEventTypes.of(raw.events),
      secret: () => (raw.secret === undefined ? undefined : WebhookSecret.of(raw.secret)),
    });
  }

  static validateChanges(raw: { url?: string; events?: readonly string[]; active?: boolean }, policy: WebhookUrlPolicy): WebhookEndpointChanges {
    return validateAll({
      url: () => (raw.url === undefined ? undefined : WebhookUrl.parse(raw.url, policy)),
      eventTypes: () => (raw.events === undefined ? undefined : WebhookEventTypes.of(raw.events)),
      active: () => raw.active,
    });
  }

  static register(props: Omit<WebhookEndpointState, 'active' | 'createdAt' | 'updatedAt'> & { now: Date }): WebhookEndpoint {
    const { now, ...facts } = props;
    return new WebhookEndpoint({ ...facts, active: true, createdAt: now, updatedAt: now }, 0);
  }

  static reconstitute(state: WebhookEndpointState, version: number): WebhookEndpoint {
    return new WebhookEndpoint({ ...state }, version);
  }

  get ownerId(): string { return this.state.ownerId; }
  get url(): WebhookUrl { return this.state.url; }
  get eventTypes(): WebhookEventTypes { return this.state.eventTypes; }
  get secret(): WebhookSecret { return this.state.secret; }
  get active(): boolean { return this.state.active; }

  isOwnedBy(userId: string): boolean {
    return this.state.ownerId === userId;
  }

  /** Whether an event of this type should be delivered here now. */
  wants(eventType: string): boolean {
    return this.state.active && this.state.eventTypes.includes(eventType);
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
  if (problems.length === 1) throw new ValidationError(problems[0].message, { code: problems[0].code, fieldErrors: problems[0].fieldErrors });
  if (problems.length > 1) {
    throw new ValidationError(problems.map((p) => p.message).join(' '), { fieldErrors: problems.flatMap((p) => p.fieldErrors) });
  }
  return result;
}

import { ValidationError } from '../shared';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Where an endpoint's events are POSTed: an absolute https URL (http only where the deployment
 * allows it), with a host and without credentials or a fragment. Only the shape is checked here;
 * whether the host may be reached (private networks, SSRF) is the delivery infrastructure's check,
 * made at registration and again before every delivery.
 */
export class WebhookUrl {
  private constructor(readonly href: string) {}

  static parse(raw: string, policy: { allowHttp: boolean }): WebhookUrl {
    const refuse = (message: string, detail = `The webhook URL is not acceptable: ${message}.`) => {
      throw new ValidationError(detail, { code: 'invalid-webhook-url', fieldErrors: [{ field: 'url', message }] });
    };
    if (raw.length > MAX_WEBHOOK_URL_LENGTH) refuse(`must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return refuse('must be an absolute URL, e.g. https://example.com/hooks');
    }
    const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol)) refuse(`must use ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`);
    if (!url.hostname) refuse('must name a host');
    if (url.username || url.password)
      refuse('may not carry credentials (user:password@); use the signing secret to authenticate deliveries');
    if (url.hash) refuse('may not have a fragment (#…)');
    return new WebhookUrl(url.href);
  }

  /** A URL stored earlier: trusted to have passed `parse` then (the HTTP policy may have changed since). */
  static stored(href: string): WebhookUrl {
    return new WebhookUrl(href);
  }

  toString(): string {
    return this.href;
  }
}

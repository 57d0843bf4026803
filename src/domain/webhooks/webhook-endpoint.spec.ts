import { ValidationError } from '../shared';
import { verdictForStatus } from './delivery-verdict';
import { WebhookEndpoint } from './webhook-endpoint';
import { WebhookEventTypes } from './webhook-event-types';
import { WebhookSecret } from './webhook-secret';
import { WebhookUrl } from './webhook-url';
import { WebhookSecretUnreadableError } from './webhook.errors';

const httpsOnly = { allowHttp: false };
const fieldErrorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fieldErrors;
  }
  throw new Error('expected a validation error');
};

describe('WebhookUrl', () => {
  it('accepts an https URL and keeps it normalised', () => {
    expect(WebhookUrl.parse('https://Example.com:8443/hooks?x=1', httpsOnly).href).toBe(
      'https://example.com:8443/hooks?x=1',
    );
  });

  it('refuses http unless the deployment allows it', () => {
    expect(fieldErrorsOf(() => WebhookUrl.parse('http://example.com/h', httpsOnly))).toEqual([
      { field: 'url', message: 'must use https' },
    ]);
    expect(WebhookUrl.parse('http://example.com/h', { allowHttp: true }).href).toBe('http://example.com/h');
  });

  it.each([
    'ftp://example.com/x',
    'file:///etc/passwd',
    'gopher://example.com',
    'javascript:alert(1)',
    'data:text/plain,hi',
  ])('refuses the scheme of %s', (url) => {
    expect(() => WebhookUrl.parse(url, { allowHttp: true })).toThrow(ValidationError);
  });

  it('refuses credentials in the URL, fragments, relative and over-long URLs', () => {
    expect(fieldErrorsOf(() => WebhookUrl.parse('https://user:pw@example.com/', httpsOnly))?.[0].message).toMatch(
      /credentials/,
    );
    expect(fieldErrorsOf(() => WebhookUrl.parse('https://example.com/#frag', httpsOnly))?.[0].message).toMatch(
      /fragment/,
    );
    expect(fieldErrorsOf(() => WebhookUrl.parse('/hooks', httpsOnly))?.[0].message).toMatch(/absolute/);
    expect(
      fieldErrorsOf(() => WebhookUrl.parse(`https://example.com/${'a'.repeat(2048)}`, httpsOnly))?.[0].message,
    ).toMatch(/2048/);
  });
});

describe('WebhookEventTypes', () => {
  it('keeps known types once, in the catalogue order', () => {
    expect(WebhookEventTypes.of(['file.deleted', 'file.uploaded', 'file.deleted']).values).toEqual([
      'file.uploaded',
      'file.deleted',
    ]);
  });

  it('refuses unknown types, internal events and an empty list', () => {
    expect(() => WebhookEventTypes.of(['file.exploded'])).toThrow(/Unknown event type\(s\): "file.exploded"/);
    expect(() => WebhookEventTypes.of(['file.created'])).toThrow(ValidationError); // a domain event, but not offered
    expect(() => WebhookEventTypes.of(['ping'])).toThrow(ValidationError);
    expect(() => WebhookEventTypes.of([])).toThrow(/at least one/);
  });
});

describe('WebhookSecret', () => {
  it('takes 24 to 256 printable characters without spaces', () => {
    expect(WebhookSecret.of('x'.repeat(24)).value).toHaveLength(24);
    expect(() => WebhookSecret.of('x'.repeat(23))).toThrow(ValidationError);
    expect(() => WebhookSecret.of('x'.repeat(257))).toThrow(ValidationError);
    expect(() => WebhookSecret.of(`${'x'.repeat(24)} y`)).toThrow(ValidationError);
    expect(() => WebhookSecret.of(`${'x'.repeat(24)}é`)).toThrow(ValidationError);
  });

  it('stays out of anything serialised by mistake', () => {
    expect(JSON.stringify({ secret: WebhookSecret.of('s'.repeat(30)) })).toBe('{"secret":"[webhook secret]"}');
  });
});

describe('WebhookEndpoint', () => {
  const register = () => {
    const v = WebhookEndpoint.validateRegistration(
      { url: 'https://example.com/h', events: ['file.uploaded'], secret: 's'.repeat(30) },
      httpsOnly,
    );
    return WebhookEndpoint.register({
      id: 'e1',
      ownerId: 'alice',
      url: v.url,
      eventTypes: v.eventTypes,
      secret: v.secret!,
      now: new Date('2026-01-01T00:00:00Z'),
    });
  };

  it('reports every bad field of a registration at once', () => {
    const errors = fieldErrorsOf(() =>
      WebhookEndpoint.validateRegistration({ url: 'ftp://x', events: ['nope'], secret: 'short' }, httpsOnly),
    );
    expect(errors?.map((e) => e.field)).toEqual(['url', 'events', 'secret']);
  });

  it('wants only the event types it subscribes to, and nothing while inactive', () => {
    const endpoint = register();
    expect(endpoint.wants('file.uploaded')).toBe(true);
    expect(endpoint.wants('file.deleted')).toBe(false);
    endpoint.reconfigure({ active: false }, new Date('2026-01-02T00:00:00Z'));
    expect(endpoint.wants('file.uploaded')).toBe(false);
    expect(endpoint.snapshot().updatedAt.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('changes only what a reconfiguration names', () => {
    const endpoint = register();
    const changes = WebhookEndpoint.validateChanges({ events: ['file.deleted', 'upload.expired'] }, httpsOnly);
    endpoint.reconfigure(changes, new Date());
    expect(endpoint.eventTypes.values).toEqual(['file.deleted', 'upload.expired']);
    expect(endpoint.url.href).toBe('https://example.com/h');
    expect(endpoint.active).toBe(true);
  });
});

describe('WebhookEndpoint secret rotation', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const first = WebhookSecret.of('first-secret-of-enough-length');
  const second = WebhookSecret.of('second-secret-of-enough-length');
  const endpoint = () =>
    WebhookEndpoint.register({
      id: 'e1',
      ownerId: 'alice',
      url: WebhookUrl.parse('https://example.com/h', httpsOnly),
      eventTypes: WebhookEventTypes.of(['file.uploaded']),
      secret: first,
      now: t0,
    });

  it('signs with the new secret and, until the grace period ends, with the replaced one too', () => {
    const e = endpoint();
    expect(e.signingSecrets(t0)).toEqual({ current: first });
    e.rotateSecret(second, t0, 60_000);
    expect(e.secret).toBe(second);
    expect(e.snapshot().previousSecret).toEqual({ secret: first, expiresAt: at(60_000) });
    expect(e.snapshot().updatedAt).toEqual(t0);
    expect(e.signingSecrets(at(59_999))).toEqual({ current: second, previous: first });
    expect(e.signingSecrets(at(60_000))).toEqual({ current: second });
  });

  it('keeps at most one replaced secret, and none without a grace period', () => {
    const e = endpoint();
    e.rotateSecret(second, t0, 60_000);
    const third = WebhookSecret.of('third-secret-of-enough-length');
    e.rotateSecret(third, at(1_000), 60_000);
    expect(e.signingSecrets(at(2_000))).toEqual({ current: third, previous: second });
    e.rotateSecret(first, at(3_000), 0);
    expect(e.signingSecrets(at(3_000))).toEqual({ current: first });
  });

  it('refuses the current secret as the new one, with the same field as at registration', () => {
    expect(fieldErrorsOf(() => endpoint().rotateSecret(WebhookSecret.of(first.value), t0, 1000))).toEqual([
      { field: 'secret', message: 'must differ from the current secret' },
    ]);
  });

  it('refuses to sign with a secret that cannot be read, and lets a rotation replace it without keeping it', () => {
    const state = { ...endpoint().snapshot(), secret: WebhookSecret.unreadable('its key is gone') };
    const broken = WebhookEndpoint.reconstitute(state, 3);
    expect(() => broken.signingSecrets(t0)).toThrow(WebhookSecretUnreadableError);
    expect(() => broken.signingSecrets(t0)).toThrow(/cannot be read \(its key is gone\)/);
    expect(() => broken.secret.value).toThrow(WebhookSecretUnreadableError);
    broken.rotateSecret(second, t0, 60_000);
    expect(broken.signingSecrets(t0)).toEqual({ current: second });
    expect(broken.snapshot().previousSecret).toBeNull();
  });

  it('refuses to sign while the replaced secret, still in its grace period, cannot be read', () => {
    const state = {
      ...endpoint().snapshot(),
      secret: second,
      previousSecret: { secret: WebhookSecret.unreadable('tampered'), expiresAt: at(1000) },
    };
    const e = WebhookEndpoint.reconstitute(state, 3);
    expect(() => e.signingSecrets(t0)).toThrow(WebhookSecretUnreadableError);
    expect(e.signingSecrets(at(1000))).toEqual({ current: second });
  });
});

describe('verdictForStatus', () => {
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [299, 'delivered'],
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [301, 'permanent'],
    [307, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [404, 'permanent'],
    [410, 'permanent'],
  ])('%s → %s', (status, verdict) => {
    expect(verdictForStatus(status)).toBe(verdict);
  });
});

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { WebhookTargets } from '../../application/webhooks/ports';
import { DomainError, ValidationError } from '../../domain/shared';
import { WebhookTargetNotAllowedError, WebhookUrl } from '../../domain/webhooks';
import { forbiddenAddressReason } from './ip-address-policy';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to (the system resolver: /etc/hosts, then DNS). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

class WebhookHostUnavailableError extends DomainError {
  readonly kind = 'unavailable' as const;
  readonly code = 'webhook-host-lookup-failed';
}

/**
 * Where a delivery may connect: the URL's host, resolved, every address checked against the
 * forbidden ranges (unless private networks are allowed). The caller connects to the address
 * returned, so a DNS answer that changes after the check (rebinding) cannot redirect it.
 */
export class DnsWebhookTargets implements WebhookTargets {
  private readonly resolveHost: HostResolver;

  constructor(private readonly options: { allowPrivateNetworks: boolean; resolve?: HostResolver }) {
    this.resolveHost = options.resolve ?? systemResolver;
  }

  /** The checked address to connect to; throws WebhookTargetNotAllowedError, or the resolver's error. */
  async resolve(url: URL): Promise<ResolvedAddress> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host);
    const addresses = literal ? [{ address: host, family: literal as 4 | 6 }] : await this.resolveHost(host);
    if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
    if (!this.options.allowPrivateNetworks) {
      // Every address, not just the first: a name with one public and one private record could
      // otherwise be steered to the private one by whichever the connection picks.
      for (const { address } of addresses) {
        const reason = forbiddenAddressReason(address);
        if (reason)
          throw new WebhookTargetNotAllowedError(
            url.hostname,
            literal ? reason : `it resolves to ${address} (${reason})`,
          );
      }
    }
    return addresses[0];
  }

  async assertAllowed(url: WebhookUrl): Promise<void> {
    try {
      await this.resolve(new URL(url.href));
    } catch (error) {
      if (error instanceof DomainError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') {
        throw new ValidationError(
          `The webhook URL's host ${new URL(url.href).hostname} does not resolve to any address.`,
          {
            code: 'webhook-host-unresolvable',
            fieldErrors: [{ field: 'url', message: 'host does not resolve' }],
          },
        );
      }
      throw new WebhookHostUnavailableError(
        `The webhook URL's host could not be looked up right now (${code ?? (error as Error).message}); try again.`,
      );
    }
  }
}

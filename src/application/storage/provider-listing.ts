import { Inject, Injectable } from '@nestjs/common';
import { Actor, isAdmin } from '../../domain/auth/role';
import { StorageCapabilities } from '../../domain/storage';
import {
  STORAGE_PROVIDER_ORIGINS,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderOrigins,
  StorageProviderRegistry,
} from '../ports';

export interface ProviderView {
  id: string;
  kind: 'built-in' | 'plugin';
  /** For plugins: the package it came from. */
  package?: { name?: string; version?: string; listedAs: string };
  /** `failed`: an optional plugin that could not start (admins only); it is no provider. */
  state: 'available' | 'failed';
  capabilities?: StorageCapabilities;
  healthy: boolean;
  reason?: string;
}

/**
 * The providers this instance offers, with the registry's cached health (never a fresh check, so
 * the listing is as quick as choosing a provider). Admins also see optional plugins that failed.
 */
@Injectable()
export class ProviderListing {
  constructor(
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly registry: StorageProviderRegistry,
    @Inject(STORAGE_PROVIDER_ORIGINS) private readonly origins: StorageProviderOrigins,
  ) {}

  async list(actor: Actor): Promise<ProviderView[]> {
    const offered = (await this.registry.candidates()).map((c): ProviderView => {
      const origin = this.origins.originOf(c.id);
      return {
        id: c.id,
        kind: origin.kind,
        ...(origin.kind === 'plugin'
          ? { package: { name: origin.packageName, version: origin.version, listedAs: origin.listedAs ?? c.id } }
          : {}),
        state: 'available',
        capabilities: c.capabilities,
        healthy: c.healthy,
      };
    });
    if (!isAdmin(actor)) return offered;
    const failed = this.origins.failedPlugins().map((f): ProviderView => ({
      id: f.id ?? f.listedAs,
      kind: 'plugin',
      package: { name: f.packageName, version: f.version, listedAs: f.listedAs },
      state: 'failed',
      healthy: false,
      reason: `${f.code}: ${f.reason}`,
    }));
    return [...offered, ...failed];
  }
}

import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ProviderCandidate, StorageProvider, UnknownStorageProviderError } from '../../domain/storage';
import { StorageProviderRegistry } from '../../application/ports/storage-provider-registry';
import { guardProviderErrors } from './shared/provider-guard';

const HEALTH_TTL_MS = 10_000;
const HEALTH_TIMEOUT_MS = 5_000;

interface HealthEntry {
  healthy: boolean;
  detail?: string;
  checkedAt: number;
}

/**
 * The deployment's providers. Health is checked in the background and cached, so choosing a
 * provider for an upload never waits on a slow or hanging provider.
 */
export class InMemoryStorageProviderRegistry implements StorageProviderRegistry, OnApplicationShutdown {
  private readonly logger = new Logger('StorageProviders');
  private readonly providers = new Map<string, StorageProvider>();
  private readonly health = new Map<string, HealthEntry>();
  private readonly inFlight = new Map<string, Promise<void>>();

  /** `unavailable`: optional plugins that failed at start, reported unhealthy by `checkAll` (by id or as listed). */
  constructor(
    providers: readonly StorageProvider[],
    private readonly unavailable: readonly { name: string; detail: string }[] = [],
  ) {
    for (const p of providers) {
      if (this.providers.has(p.id)) throw new Error(`Two storage providers use the id "${p.id}".`);
      this.providers.set(p.id, guardProviderErrors(p));
    }
  }

  get(id: string): StorageProvider {
    const provider = this.providers.get(id);
    if (!provider) throw new UnknownStorageProviderError(id);
    return provider;
  }

  has(id: string): boolean {
    return this.providers.has(id);
  }

  all(): StorageProvider[] {
    return [...this.providers.values()];
  }

  async candidates(): Promise<ProviderCandidate[]> {
    const now = Date.now();
    const unknown: Promise<void>[] = [];
    for (const p of this.providers.values()) {
      const entry = this.health.get(p.id);
      if (!entry) unknown.push(this.refresh(p));
      else if (now - entry.checkedAt > HEALTH_TTL_MS) void this.refresh(p);
    }
    // Only the very first call waits, so a provider is never assumed healthy without a check.
    await Promise.all(unknown);
    return this.all().map((p) => ({
      id: p.id,
      capabilities: p.capabilities,
      healthy: this.health.get(p.id)?.healthy ?? false,
    }));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.all().map(
        (p) => p.close?.().catch((e: Error) => this.logger.warn(`Closing ${p.id}: ${e.message}`)) ?? Promise.resolve(),
      ),
    );
  }

  /** Checks every provider now (for /health and for tests). */
  async checkAll(): Promise<Record<string, { healthy: boolean; detail?: string }>> {
    await Promise.all(this.all().map((p) => this.refresh(p)));
    const report: Record<string, { healthy: boolean; detail?: string }> = {};
    for (const p of this.all())
      report[p.id] = { healthy: this.health.get(p.id)!.healthy, detail: this.health.get(p.id)!.detail };
    for (const u of this.unavailable) report[u.name] = { healthy: false, detail: u.detail };
    return report;
  }

  private refresh(provider: StorageProvider): Promise<void> {
    let pending = this.inFlight.get(provider.id);
    if (!pending) {
      pending = this.check(provider).finally(() => this.inFlight.delete(provider.id));
      this.inFlight.set(provider.id, pending);
    }
    return pending;
  }

  private async check(provider: StorageProvider): Promise<void> {
    try {
      const result = await Promise.race([
        provider.health(),
        new Promise<{ healthy: boolean; detail: string }>((resolve) =>
          setTimeout(
            () => resolve({ healthy: false, detail: `no answer within ${HEALTH_TIMEOUT_MS} ms` }),
            HEALTH_TIMEOUT_MS,
          ).unref(),
        ),
      ]);
      const was = this.health.get(provider.id)?.healthy;
      if (was !== undefined && was !== result.healthy) {
        this.logger.warn(
          `Provider ${provider.id} is now ${result.healthy ? 'healthy' : `unhealthy: ${result.detail}`}`,
        );
      }
      this.health.set(provider.id, { ...result, checkedAt: Date.now() });
    } catch (e) {
      this.health.set(provider.id, { healthy: false, detail: (e as Error).message, checkedAt: Date.now() });
    }
  }
}

import { ProviderCandidate, StorageProvider } from '../../domain/storage';

/** Port: the providers this deployment has, and what is known of their health. */
export interface StorageProviderRegistry {
  /** Throws UnknownStorageProviderError. */
  get(id: string): StorageProvider;
  has(id: string): boolean;
  /** Every provider with its last known health (cached, never blocks on a slow provider). */
  candidates(): Promise<ProviderCandidate[]>;
}
export const STORAGE_PROVIDER_REGISTRY = Symbol('StorageProviderRegistry');

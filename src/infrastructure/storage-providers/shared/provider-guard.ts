import { ArchiveRetrieval, StorageProvider, StorageUnavailableError } from '../../../domain/storage';
import { DomainError } from '../../../domain/shared';
import { toDomainError } from './provider-errors';

const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Whether a failure is the provider's passing trouble (network, 5xx, throttling), not a refusal. */
export function isTransient(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
    message?: string;
  };
  if (!e || error instanceof DomainError) return false;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500 || e.$fault === 'server') return true;
  if (TRANSIENT_NAMES.has(e.name ?? '') || TRANSIENT_CODES.has(e.code ?? '')) return true;
  if (/socket hang up|ECONNRESET|ECONNREFUSED/.test(e.message ?? '')) return true;
  return e.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

/**
 * The provider as the application sees it: contract errors (the SDK's codes) become domain errors,
 * and passing trouble becomes StorageUnavailableError (503 with Retry-After) at every call, so no
 * provider — built-in or plugin — can turn a missing object or a network blip into a 500. Every
 * optional member the provider has is forwarded (OPTIONAL_PROVIDER_MEMBERS; the registry spec
 * checks it), none is invented.
 */
export function guardProviderErrors(provider: StorageProvider): StorageProvider {
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        if (isTransient(error))
          throw new StorageUnavailableError(provider.id, (error as Error).message || (error as Error).name);
        throw toDomainError(provider.id, error, typeof args[0] === 'string' ? args[0] : undefined);
      }
    };
  const retrieval: ArchiveRetrieval | undefined = provider.retrieval && {
    startRestore: guard(provider.retrieval.startRestore.bind(provider.retrieval)),
    restoreStatus: guard(provider.retrieval.restoreStatus.bind(provider.retrieval)),
    readRestored: guard(provider.retrieval.readRestored.bind(provider.retrieval)),
    upgradeRestore:
      provider.retrieval.upgradeRestore && guard(provider.retrieval.upgradeRestore.bind(provider.retrieval)),
  };
  return {
    id: provider.id,
    capabilities: provider.capabilities,
    retrieval,
    write: guard(provider.write.bind(provider)),
    read: guard(provider.read.bind(provider)),
    head: guard(provider.head.bind(provider)),
    delete: guard(provider.delete.bind(provider)),
    health: provider.health.bind(provider),
    importLocalFile: provider.importLocalFile && guard(provider.importLocalFile.bind(provider)),
    close: provider.close && provider.close.bind(provider),
  };
}

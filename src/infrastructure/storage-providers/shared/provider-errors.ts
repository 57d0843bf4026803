import { ProviderError, ProviderErrorCode, providerErrorCode } from '@flexstorage/provider-sdk';
import { ChecksumMismatchError, FileTooLargeError } from '../../../domain/files';
import { RestoreNotReadyError, StorageUnavailableError, StoredObjectNotFoundError } from '../../../domain/storage';

/**
 * A provider's contract error (by code: any copy of the SDK, a plugin's included) as the domain
 * error the application and the problem filter know; anything else as it was. Range and argument
 * errors pass unchanged: callers clamp ranges before they ask, so one reaching here is a bug.
 */
export function toDomainError(providerId: string, error: unknown, key?: string): unknown {
  const code = providerErrorCode(error);
  if (code === undefined) return error;
  const e = error as ProviderError;
  const text = (name: string): string | undefined => {
    const value = e.details?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const objectKey = text('key') ?? key ?? '';
  switch (code) {
    case ProviderErrorCode.NotFound:
      return new StoredObjectNotFoundError(providerId, objectKey);
    case ProviderErrorCode.RestoreNotReady:
      return new RestoreNotReadyError(providerId, objectKey);
    case ProviderErrorCode.ChecksumMismatch:
      return new ChecksumMismatchError(text('expected') ?? '', text('actual') ?? '');
    case ProviderErrorCode.TooLarge:
      return new FileTooLargeError(Number(e.details?.maxBytes ?? 0));
    case ProviderErrorCode.Unavailable:
      return new StorageUnavailableError(providerId, e.message);
    default:
      return error;
  }
}

/**
 * The storage-provider port is the SDK's contract (`packages/provider-sdk`), so built-in providers
 * and plugins implement one definition of it. Only types cross: the domain stays free of runtime
 * dependencies.
 */
export type {
  ArchiveRetrieval,
  ByteBody,
  ByteRange,
  ObjectHead,
  ProviderHealth,
  RestoreState,
  RetrievalTier,
  StartedRestore,
  StorageCapabilities,
  StorageProvider,
  WriteOptions,
  WriteResult,
} from '@flexstorage/provider-sdk';

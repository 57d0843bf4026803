import { File, UploadStatus } from '../../../domain/files';
import { ValidationError } from '../../../domain/shared';
import { RetrievalTier, StorageProvider } from '../../../domain/storage';
import { tierFor } from './restore-tier';

/** Refuses a target whose objects cannot be as large as the file (400 provider-cannot-hold-file). */
export function assertTargetHolds(file: File, target: StorageProvider): void {
  const size = file.size.bytes;
  const maxObjectSize = target.capabilities.maxObjectSize;
  if (maxObjectSize !== null && size > maxObjectSize) {
    throw new ValidationError(
      `Provider ${target.id} holds objects of at most ${maxObjectSize} bytes; this file has ${size}.`,
      {
        code: 'provider-cannot-hold-file',
        fieldErrors: [{ field: 'provider', message: `holds at most ${maxObjectSize} bytes` }],
      },
    );
  }
}

/** The tier an archived file's restore uses before it moves; null when the file reads as it is. */
export function sourceRestoreTier(file: File, source: StorageProvider, asked?: RetrievalTier): RetrievalTier | null {
  if (file.status !== UploadStatus.Archived) return null;
  return tierFor(source.retrieval ? source.capabilities.retrievalTiers : [], asked, source.id);
}

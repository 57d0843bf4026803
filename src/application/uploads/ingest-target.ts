import { UploadTarget } from '../../domain/uploads';
import { IngestRequest } from '../files/file-ingestion';

/** What an upload's target asks of the ingestion: the file's metadata, type, promised hash and provider. */
export function ingestRequestFor(
  ownerId: string,
  target: UploadTarget,
  length: number | null,
): Omit<IngestRequest, 'store'> {
  return {
    ownerId,
    metadata: target.metadata,
    type: target.type,
    expectedSha256: target.expectedSha256 ?? undefined,
    sizeHint: length ?? undefined,
    providerPreference: target.providerPreference ?? undefined,
  };
}

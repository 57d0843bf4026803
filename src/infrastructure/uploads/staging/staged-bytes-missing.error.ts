import { DomainError } from '../../../domain/shared';

/**
 * The staging store holds fewer bytes than the upload recorded: the staging area was wiped or
 * another store is configured than the one the upload began with. The upload cannot go on.
 */
export class StagedBytesMissingError extends DomainError {
  readonly kind = 'gone' as const;
  readonly code = 'upload-bytes-missing';
  constructor(uploadId: string, expected: number, found: number) {
    super(`The staged bytes of upload ${uploadId} are missing (${found} of ${expected} found). Start a new upload.`);
  }
}

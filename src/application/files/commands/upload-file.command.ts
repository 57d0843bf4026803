import { Command } from '@nestjs/cqrs';
import { FileMetadataProps } from '../../../domain/files';
import { ByteBody } from '../../../domain/storage';
import { Actor } from '../../../domain/auth/role';
import { FileView } from '../file-view';

export interface UploadFileResult {
  file: FileView;
  /** True when the owner already had these bytes: the existing file is returned, nothing new kept. */
  duplicate: boolean;
}

export interface TrailingMetadata {
  metadata: Partial<FileMetadataProps>;
  mimeType?: string;
  category?: string;
}

export class UploadFileCommand extends Command<UploadFileResult> {
  constructor(
    readonly actor: Actor,
    readonly body: ByteBody,
    readonly metadata: FileMetadataProps,
    readonly mimeType: string | undefined,
    readonly options: {
      category?: string;
      expectedSha256?: string;
      /** Upper bound of the size when known before the body arrives (e.g. from Content-Length). */
      sizeHint?: number;
      providerPreference?: string;
      signal?: AbortSignal;
      /**
       * Metadata that arrives only after the bytes (multipart fields after the file part). It is
       * awaited and validated before the file is recorded; if it rejects, nothing is kept.
       */
      trailingMetadata?: Promise<TrailingMetadata>;
    } = {},
  ) {
    super();
  }
}

import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FileHash, FileMetadata, FileType } from '../../../domain/files';
import { UPLOAD_POLICY, UploadPolicy } from '../../ports';
import { FileIngestion } from '../file-ingestion';
import { UploadFileCommand, UploadFileResult } from './upload-file.command';

/** A single-request upload: the body streams straight into the chosen provider. */
@CommandHandler(UploadFileCommand)
export class UploadFileHandler implements ICommandHandler<UploadFileCommand, UploadFileResult> {
  constructor(
    private readonly ingestion: FileIngestion,
    @Inject(UPLOAD_POLICY) private readonly policy: UploadPolicy,
  ) {}

  async execute(cmd: UploadFileCommand): Promise<UploadFileResult> {
    const metadata = FileMetadata.of(cmd.metadata);
    const type = FileType.of(cmd.mimeType, cmd.options.category);
    const expected = cmd.options.expectedSha256 ? FileHash.parse(cmd.options.expectedSha256) : undefined;
    return this.ingestion.ingest({
      ownerId: cmd.actor.userId,
      metadata,
      type,
      expectedSha256: expected,
      sizeHint: cmd.options.sizeHint,
      providerPreference: cmd.options.providerPreference,
      trailingMetadata: cmd.options.trailingMetadata,
      store: (provider) =>
        provider.write(cmd.body, {
          maxBytes: this.policy.maxFileSize,
          contentType: type.mimeType,
          expectedSha256: expected?.hex,
          signal: cmd.options.signal,
        }),
    });
  }
}

import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { FileMetadataProps } from '../../../domain/files';
import { FileView } from '../file-view';

export class UpdateFileMetadataCommand extends Command<FileView> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly patch: Partial<FileMetadataProps> & { mimeType?: string; category?: string },
  ) {
    super();
  }
}

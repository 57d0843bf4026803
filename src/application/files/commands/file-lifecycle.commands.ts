import { Command } from '@nestjs/cqrs';
import { FileMetadataProps } from '../../../domain/files';
import { Actor } from '../../../domain/auth/role';
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

export class DeleteFileCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

export class RestoreFileCommand extends Command<FileView> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

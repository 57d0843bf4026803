import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { CLOCK, Clock } from '../../ports';
import { loadAccessibleFile } from '../file-access';
import { FileView, toFileView } from '../file-view';
import { UpdateFileMetadataCommand } from './update-file-metadata.command';

// Each handler: load (owner-scoped), one domain method, save. The repository writes the events.

@CommandHandler(UpdateFileMetadataCommand)
export class UpdateFileMetadataHandler implements ICommandHandler<UpdateFileMetadataCommand, FileView> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, fileId, patch }: UpdateFileMetadataCommand): Promise<FileView> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    const { mimeType, category, ...metadata } = patch;
    file.updateMetadata(metadata, file.type.withChanges({ mimeType, category }), this.clock.now());
    await this.files.save(file);
    return toFileView(file);
  }
}

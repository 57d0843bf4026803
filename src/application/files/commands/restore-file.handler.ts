import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { CLOCK, Clock } from '../../ports';
import { loadAccessibleFile } from '../file-access';
import { FileView, toFileView } from '../file-view';
import { RestoreFileCommand } from './restore-file.command';

@CommandHandler(RestoreFileCommand)
export class RestoreFileHandler implements ICommandHandler<RestoreFileCommand, FileView> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, fileId }: RestoreFileCommand): Promise<FileView> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    file.restore(this.clock.now());
    await this.files.save(file);
    return toFileView(file);
  }
}

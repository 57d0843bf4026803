import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { CLOCK, Clock } from '../../ports';
import { loadAccessibleFile } from '../file-access';
import { DeleteFileCommand } from './delete-file.command';

@CommandHandler(DeleteFileCommand)
export class DeleteFileHandler implements ICommandHandler<DeleteFileCommand, void> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, fileId }: DeleteFileCommand): Promise<void> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) return; // DELETE is idempotent
    file.delete(this.clock.now());
    await this.files.save(file);
  }
}

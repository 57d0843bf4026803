import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { FileView } from '../file-view';

export class RestoreFileCommand extends Command<FileView> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

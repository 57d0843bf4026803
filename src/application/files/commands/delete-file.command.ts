import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';

export class DeleteFileCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';

/** tus termination: the upload ends and its staged bytes go. Idempotent. */
export class TerminateUploadCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

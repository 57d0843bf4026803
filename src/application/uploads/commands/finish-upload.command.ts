import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { UploadOutcome } from './upload-outcome';

/** Finishes an upload whose every byte is staged but whose completion was cut short. */
export class FinishUploadCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

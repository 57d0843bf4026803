import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { IncomingChunk } from '../upload-chunk-receiver';
import { UploadOutcome } from './upload-outcome';

/** tus PATCH: a chunk at `offset`, optionally declaring a deferred length. */
export class AppendUploadChunkCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
    readonly offset: number,
    readonly chunk: IncomingChunk,
    readonly declaredLength?: number,
  ) {
    super();
  }
}

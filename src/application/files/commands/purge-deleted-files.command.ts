import { Command } from '@nestjs/cqrs';

export class PurgeDeletedFilesCommand extends Command<{ purged: number; bytesLeft: number }> {
  constructor(
    readonly retentionMs: number,
    readonly batchSize = 200,
    /** Checked between files: a stopped run leaves the rest for the next one. */
    readonly signal?: AbortSignal,
  ) {
    super();
  }
}

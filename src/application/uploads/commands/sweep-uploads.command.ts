import { Command } from '@nestjs/cqrs';

/** Housekeeping: expire idle uploads, finish stranded ones, forget long-ended ones. */
export class SweepUploadsCommand extends Command<{ expired: number; finished: number; purged: number }> {
  constructor(readonly batchSize = 200) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';

/** One poll of a restore: start it if it never started, ask the provider, move the request on. */
export class CheckRetrievalCommand extends Command<{
  status: string;
  nextCheckInMs: number | null;
  deferred?: string;
}> {
  constructor(readonly retrievalId: string) {
    super();
  }
}

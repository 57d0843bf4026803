import { Injectable } from '@nestjs/common';
import { HandlesJob, declareJob, JobHandler } from '../job-handler';
import { QUEUES } from '../queues';

/** Enqueued from POST /admin/jobs, to see that workers run. */
export const NOOP_JOB = declareJob(QUEUES.diagnostics, 'noop');

@Injectable()
@HandlesJob(NOOP_JOB)
export class NoopJob implements JobHandler {
  async handle(): Promise<null> {
    return null;
  }
}

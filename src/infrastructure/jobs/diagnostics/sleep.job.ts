import { Injectable } from '@nestjs/common';
import { HandlesJob, JobContext, declareJob, JobHandler } from '../job-handler';
import { QUEUES } from '../queues';

/** Enqueued from POST /admin/jobs, to see progress, retries and cancellation at work (and by the jobs bench). */
export const SLEEP_JOB = declareJob(QUEUES.diagnostics, 'sleep');

interface SleepJobData {
  ms: number;
  steps?: number;
  failTimes?: number;
}

/** Sleeps `ms` in steps, reporting progress and stopping when its signal fires (cancel, timeout, shutdown). */
@Injectable()
@HandlesJob(SLEEP_JOB)
export class SleepJob implements JobHandler<SleepJobData> {
  async handle(data: SleepJobData, context: JobContext): Promise<{ slept: number }> {
    if (data.failTimes && context.attempt <= data.failTimes) {
      throw new Error(`failing on purpose (attempt ${context.attempt} of ${data.failTimes} to fail)`);
    }
    const steps = Math.max(1, Math.min(100, data.steps ?? 10));
    for (let i = 1; i <= steps; i++) {
      context.signal.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => (clearTimeout(timer), reject(context.signal.reason));
        const timer = setTimeout(
          () => (context.signal.removeEventListener('abort', onAbort), resolve()),
          data.ms / steps,
        );
        context.signal.addEventListener('abort', onAbort, { once: true });
      });
      await context.progress((100 * i) / steps);
    }
    return { slept: data.ms };
  }
}

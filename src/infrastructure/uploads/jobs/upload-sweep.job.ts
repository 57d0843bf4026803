import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { SweepUploadsCommand } from '../../../application/uploads';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

/** Recurring: expires idle upload sessions and forgets ended ones past their retention. */
export const UPLOAD_SWEEP_JOB = declareJob(QUEUES.maintenance, 'upload-sweep');

@Injectable()
@HandlesJob(UPLOAD_SWEEP_JOB)
export class UploadSweepJob implements JobHandler {
  constructor(private readonly commands: CommandBus) {}
  handle(): Promise<unknown> {
    return this.commands.execute(new SweepUploadsCommand());
  }
}

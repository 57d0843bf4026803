import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_USAGE, StorageUsage } from '../../../application/ports';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const QUOTA_RECOUNT_JOB = declareJob(QUEUES.maintenance, 'quota-recount');

/** Recurring: recounts every user's storage counters from the files (quotas and GET /usage read them). */
@Injectable()
@HandlesJob(QUOTA_RECOUNT_JOB)
export class QuotaRecountJob implements JobHandler {
  constructor(@Inject(STORAGE_USAGE) private readonly usage: StorageUsage) {}
  async handle(): Promise<{ users: number }> {
    return { users: await this.usage.recount() };
  }
}

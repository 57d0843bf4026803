import { Provider } from '@nestjs/common';
import { RELOCATION_JOBS } from '../../application/relocations';
import { BullmqRelocationJobs } from './bullmq-relocation-jobs';

/** The adapters of moving files between providers, for the API and the workers alike. */
export const RELOCATION_PROVIDERS: Provider[] = [{ provide: RELOCATION_JOBS, useClass: BullmqRelocationJobs }];

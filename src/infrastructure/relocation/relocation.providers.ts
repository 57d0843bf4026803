import { Provider } from '@nestjs/common';
import { RELOCATION_JOBS, RELOCATION_SETTINGS, RelocationSettings } from '../../application/relocation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BullmqRelocationJobs } from './bullmq-relocation-jobs';

/** The adapters of moving files between providers, for the API and the workers alike. */
export const RELOCATION_PROVIDERS: Provider[] = [
  { provide: RELOCATION_JOBS, useClass: BullmqRelocationJobs },
  {
    provide: RELOCATION_SETTINGS,
    useFactory: (config: AppConfig): RelocationSettings => ({ oldCopyGraceMs: config.relocation.oldCopyGraceMs }),
    inject: [APP_CONFIG],
  },
];

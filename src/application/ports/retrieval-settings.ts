import { RetrievalSchedule } from '../../domain/retrieval';

/** Deployment settings for restores of archived files. */
export interface RetrievalSettings {
  /** Days a restored copy stays readable when the request does not say. */
  defaultDays: number;
  schedule: RetrievalSchedule;
  /** A check this far past due was lost (Redis restarted, its job failed every attempt): the sweep re-schedules it. */
  overdueAfterMs: number;
}
export const RETRIEVAL_SETTINGS = Symbol('RetrievalSettings');

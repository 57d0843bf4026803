/**
 * Port: runs a retrieval's next check later (a delayed background job). The same retrieval and
 * occasion scheduled twice run once; a lost schedule is caught up by the retrieval sweep.
 */
export interface RetrievalPolls {
  /** `occasion` tells schedules apart: the same retrieval and occasion are scheduled once. */
  schedule(retrievalId: string, delayMs: number, occasion: string): Promise<void>;
}
export const RETRIEVAL_POLLS = Symbol('RetrievalPolls');

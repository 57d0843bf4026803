import { RetrievalRequest } from './retrieval-request';

/** Port: loads and saves RetrievalRequest aggregates with their pending events. */
export interface RetrievalRequestRepository {
  findById(id: string): Promise<RetrievalRequest | null>;
  /** The file's newest request that is requested, in progress or ready (possibly past its time). */
  findCurrentForFile(fileId: string): Promise<RetrievalRequest | null>;
  /**
   * Throws ConcurrentModificationError on a stale version, and ActiveRetrievalExistsError when a
   * second request would become active for a file that has one.
   */
  save(request: RetrievalRequest): Promise<void>;
  /** Requests whose next check is due before `before` (polls lost with Redis, copies expiring). */
  findDue(before: Date, limit: number): Promise<RetrievalRequest[]>;
}

export const RETRIEVAL_REQUEST_REPOSITORY = Symbol('RetrievalRequestRepository');

export enum RetrievalStatus {
  /** Recorded; the provider has not confirmed a restore yet (or asking it failed and is retried). */
  Requested = 'requested',
  InProgress = 'in-progress',
  /** A restored copy can be read until `availableUntil`. */
  Ready = 'ready',
  /** The restored copy is gone again; a new request is needed. */
  Expired = 'expired',
  Failed = 'failed',
}

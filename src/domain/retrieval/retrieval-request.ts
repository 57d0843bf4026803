// Longer than 250 lines on purpose: one aggregate holding the restore's state machine (request, tier
// upgrade, checks, completion, failure, expiry) and its getters; its events and statuses live beside it.
import { AggregateRoot, InvalidStateTransitionError, ValidationError } from '../shared';
import { StorageLocation } from '../files';
import { RetrievalTier } from '../storage';
import {
  RetrievalCompleted,
  RetrievalExpired,
  RetrievalFailed,
  RetrievalRequested,
  RetrievalTierUpgraded,
} from './retrieval.events';
import { RetrievalStatus } from './retrieval-status';

export const MAX_RESTORE_DAYS = 365;

export interface RetrievalRequestState {
  id: string;
  fileId: string;
  /** The file's owner (who sees the request and is notified), not necessarily who asked. */
  ownerId: string;
  requestedBy: string;
  /** The archived copy being restored. */
  location: StorageLocation;
  tier: RetrievalTier;
  /**
   * Since when the restore runs at `tier` (the request time, or when a faster tier took over): what the give-up
   * time counts from.
   */
  tierSince: Date;
  /** How long the restored copy should stay readable, as asked. */
  days: number;
  status: RetrievalStatus;
  /** The provider's name for the restore (a vault job id; for S3, the object key). */
  restoreHandle: string | null;
  requestedAt: Date;
  estimatedReadyAt: Date;
  completedAt: Date | null;
  /** Until when the restored copy can be read (set once ready). */
  availableUntil: Date | null;
  failureReason: string | null;
  /** How many times the provider was asked where the restore stands. */
  checks: number;
  lastCheckedAt: Date | null;
  /** When the poller should look next; a sweep re-schedules requests whose poll was lost. */
  nextCheckAt: Date | null;
  updatedAt: Date;
}

export type RequestRetrievalProps = Pick<
  RetrievalRequestState,
  'id' | 'fileId' | 'ownerId' | 'requestedBy' | 'location' | 'tier' | 'days' | 'estimatedReadyAt'
> & { now: Date };

const SPEED: Record<RetrievalTier, number> = { expedited: 0, standard: 1, bulk: 2 };

/** Whether `tier` restores faster than `than`. */
export function isFasterTier(tier: RetrievalTier, than: RetrievalTier): boolean {
  return SPEED[tier] < SPEED[than];
}

const ACTIVE: readonly RetrievalStatus[] = [
  RetrievalStatus.Requested,
  RetrievalStatus.InProgress,
  RetrievalStatus.Ready,
];

/**
 * A request to bring an archived file back: the provider restores a readable copy, which then
 * serves downloads until it expires. Requests for the same file share one active restore.
 */
export class RetrievalRequest extends AggregateRoot {
  private constructor(
    private state: RetrievalRequestState,
    version: number,
  ) {
    super(state.id, version);
  }

  static request(props: RequestRetrievalProps): RetrievalRequest {
    if (!Number.isInteger(props.days) || props.days < 1 || props.days > MAX_RESTORE_DAYS) {
      throw new ValidationError(`A restored copy can be kept from 1 to ${MAX_RESTORE_DAYS} days.`, {
        code: 'invalid-retrieval-days',
        fieldErrors: [{ field: 'days', message: `must be an integer from 1 to ${MAX_RESTORE_DAYS}` }],
      });
    }
    const { now: _now, ...facts } = props;
    const request = new RetrievalRequest(
      {
        ...facts,
        status: RetrievalStatus.Requested,
        tierSince: props.now,
        restoreHandle: null,
        requestedAt: props.now,
        completedAt: null,
        availableUntil: null,
        failureReason: null,
        checks: 0,
        lastCheckedAt: null,
        nextCheckAt: props.now,
        updatedAt: props.now,
      },
      0,
    );
    request.record(
      new RetrievalRequested(
        request.id,
        {
          ...request.facts(),
          requestedBy: props.requestedBy,
          providerId: props.location.providerId,
          estimatedReadyAt: props.estimatedReadyAt.toISOString(),
        },
        props.now.toISOString(),
      ),
    );
    return request;
  }

  static reconstitute(state: RetrievalRequestState, version: number): RetrievalRequest {
    return new RetrievalRequest({ ...state }, version);
  }

  get fileId(): string {
    return this.state.fileId;
  }
  get ownerId(): string {
    return this.state.ownerId;
  }
  get location(): StorageLocation {
    return this.state.location;
  }
  get tier(): RetrievalTier {
    return this.state.tier;
  }
  get tierSince(): Date {
    return this.state.tierSince;
  }
  get days(): number {
    return this.state.days;
  }
  get status(): RetrievalStatus {
    return this.state.status;
  }
  get restoreHandle(): string | null {
    return this.state.restoreHandle;
  }
  get requestedAt(): Date {
    return this.state.requestedAt;
  }
  get estimatedReadyAt(): Date {
    return this.state.estimatedReadyAt;
  }
  get availableUntil(): Date | null {
    return this.state.availableUntil;
  }
  get nextCheckAt(): Date | null {
    return this.state.nextCheckAt;
  }
  get checks(): number {
    return this.state.checks;
  }

  /** Still shareable by a new request for the same file: running, or ready and not yet expired. */
  isActive(now: Date): boolean {
    if (this.state.status === RetrievalStatus.Ready) return this.canServe(now);
    return ACTIVE.includes(this.state.status);
  }

  /** Whether downloads may be served from the restored copy right now. */
  canServe(now: Date): boolean {
    return (
      this.state.status === RetrievalStatus.Ready && !!this.state.availableUntil && this.state.availableUntil > now
    );
  }

  /**
   * A faster tier for a restore not ready yet (S3 lets a running restore be sped up; one not started
   * yet simply starts at it). The next check comes soon, on the new tier's schedule.
   */
  upgradeTier(tier: RetrievalTier, estimatedReadyAt: Date, nextCheckAt: Date, now: Date): void {
    this.guard([RetrievalStatus.Requested, RetrievalStatus.InProgress], this.state.status);
    if (!isFasterTier(tier, this.state.tier))
      throw new InvalidStateTransitionError(this.state.tier, tier, 'retrieval tier');
    const previousTier = this.state.tier;
    Object.assign(this.state, { tier, tierSince: now, estimatedReadyAt, nextCheckAt, updatedAt: now });
    this.record(
      new RetrievalTierUpgraded(
        this.id,
        { ...this.facts(), previousTier, estimatedReadyAt: estimatedReadyAt.toISOString() },
        now.toISOString(),
      ),
    );
  }

  /** The provider accepted the restore (or already had it running). */
  restoreStarted(handle: string, now: Date): void {
    this.guard([RetrievalStatus.Requested, RetrievalStatus.InProgress], RetrievalStatus.InProgress);
    this.state.restoreHandle = handle;
    this.state.status = RetrievalStatus.InProgress;
    this.state.updatedAt = now;
  }

  /** Records that the provider was asked, and when to ask next (null: nothing to poll). */
  checked(now: Date, nextCheckAt: Date | null): void {
    // An ended request is never looked at again (the sweep would otherwise pick it up).
    if (!ACTIVE.includes(this.state.status))
      throw new InvalidStateTransitionError(this.state.status, 'checked', 'retrieval');
    this.state.checks += 1;
    this.state.lastCheckedAt = now;
    this.state.nextCheckAt = nextCheckAt;
    this.state.updatedAt = now;
  }

  /** The restored copy is readable until `availableUntil` (the provider's word, or now + days). */
  complete(handle: string, availableUntil: Date | undefined, now: Date): void {
    this.guard([RetrievalStatus.Requested, RetrievalStatus.InProgress], RetrievalStatus.Ready);
    const until = availableUntil ?? new Date(now.getTime() + this.state.days * 86_400_000);
    Object.assign(this.state, {
      status: RetrievalStatus.Ready,
      restoreHandle: handle,
      completedAt: now,
      availableUntil: until,
      updatedAt: now,
    });
    // Ready requests are looked at once more, when the copy expires.
    this.state.nextCheckAt = until;
    this.record(
      new RetrievalCompleted(this.id, { ...this.facts(), availableUntil: until.toISOString() }, now.toISOString()),
    );
  }

  fail(reason: string, now: Date): void {
    this.guard([RetrievalStatus.Requested, RetrievalStatus.InProgress], RetrievalStatus.Failed);
    Object.assign(this.state, {
      status: RetrievalStatus.Failed,
      failureReason: reason,
      completedAt: now,
      nextCheckAt: null,
      updatedAt: now,
    });
    this.record(new RetrievalFailed(this.id, { ...this.facts(), reason }, now.toISOString()));
  }

  /** The restored copy is gone (its time is up, or the provider no longer has it). */
  expire(now: Date): void {
    this.guard([RetrievalStatus.Ready], RetrievalStatus.Expired);
    Object.assign(this.state, { status: RetrievalStatus.Expired, nextCheckAt: null, updatedAt: now });
    if (this.state.availableUntil && this.state.availableUntil > now) this.state.availableUntil = now;
    this.record(new RetrievalExpired(this.id, this.facts(), now.toISOString()));
  }

  snapshot(): Readonly<RetrievalRequestState> {
    return { ...this.state };
  }

  private facts() {
    return { fileId: this.state.fileId, ownerId: this.state.ownerId, tier: this.state.tier };
  }

  private guard(from: readonly RetrievalStatus[], to: RetrievalStatus): void {
    if (!from.includes(this.state.status)) throw new InvalidStateTransitionError(this.state.status, to, 'retrieval');
  }
}

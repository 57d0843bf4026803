import { Inject, Injectable } from '@nestjs/common';
import { ConcurrentModificationError, FILE_REPOSITORY, FileRepository, UploadStatus } from '../../domain/files';
import {
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalRequest,
  RetrievalRequestRepository,
  RetrievalStatus,
} from '../../domain/retrieval';
import {
  ArchiveRetrieval,
  RestoreState,
  StorageUnavailableError,
  StoredObjectNotFoundError,
} from '../../domain/storage';
import {
  CLOCK,
  Clock,
  RETRIEVAL_POLLS,
  RETRIEVAL_SETTINGS,
  RetrievalPolls,
  RetrievalSettings,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderRegistry,
} from '../ports';

/**
 * Moves a retrieval request on by asking its provider: starts the restore if it never started (or
 * the provider forgot it), records where it stands, gives up once it is overdue, and schedules the
 * next look. Checks may run twice or at once (a poll and the sweep): asking where a restore stands
 * is harmless, and starting one is claimed first (a saved version bump), so only one check asks the
 * provider to start — a vault would bill every extra job.
 */
@Injectable()
export class RetrievalProgress {
  constructor(
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_SETTINGS) private readonly settings: RetrievalSettings,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * One check; answers the delay until the next (null when the request ended, or another check
   * moved it on). A provider failure counts as a check that learned nothing: it is recorded, the
   * next one scheduled and the give-up rule applied. A passing outage (StorageUnavailableError) is
   * then reported as `deferred`; anything else is thrown, so it shows as a failed job.
   */
  async advance(request: RetrievalRequest): Promise<{ nextCheckInMs: number | null; deferred?: string }> {
    let failure: unknown;
    try {
      failure = await this.step(request);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return { nextCheckInMs: null };
      throw error;
    }
    const nextCheckInMs = await this.scheduleNext(request);
    if (failure instanceof StorageUnavailableError) return { nextCheckInMs, deferred: failure.message };
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the error caught from step()
    if (failure) throw failure;
    return { nextCheckInMs };
  }

  /** Saves what it learned; answers the provider's failure, if any, for the caller to throw. */
  private async step(request: RetrievalRequest): Promise<unknown> {
    const now = this.clock.now();
    const { key, providerId } = request.location;
    const retrieval = this.providers.has(providerId) ? this.providers.get(providerId).retrieval : undefined;
    const file = await this.files.findById(request.fileId);
    let failure: unknown;
    const archived = file?.status === UploadStatus.Archived;
    if (!file || !archived || !file.isAt(request.location)) {
      // Nothing left to restore for (deleted, no longer archived, or moved since it was asked for
      // and its retirement cut short by a crash): stop before anything is billed.
      const moved = archived;
      if (request.status === RetrievalStatus.Ready) request.expire(now);
      else
        request.fail(
          moved ? 'the file moved to other storage; request it again' : 'the file was deleted or is no longer archived',
          now,
        );
    } else if (request.status === RetrievalStatus.Ready) {
      // Past its time, or gone sooner than the provider said (a vault's job output, a copy S3 let go).
      // A provider that cannot be asked right now is given the benefit of the doubt until the copy's time is up.
      const state =
        retrieval && request.canServe(now)
          ? await retrieval.restoreStatus(key, request.restoreHandle ?? key).catch(() => null)
          : null;
      const gone = !request.canServe(now) || (state !== null && state.state !== 'ready');
      if (gone) request.expire(now);
    } else if (!retrieval) {
      request.fail(`provider ${providerId} cannot restore archived objects`, now);
    } else {
      failure = await this.ask(request, retrieval).catch((error: unknown) => error);
      if (failure instanceof StoredObjectNotFoundError) {
        request.fail('the archived object no longer exists', this.clock.now());
        failure = undefined;
      }
      this.giveUpIfOverdue(request);
    }
    await this.retrievals.save(request);
    return failure;
  }

  /** Where the restore stands, starting it when there is none. */
  private async ask(request: RetrievalRequest, retrieval: ArchiveRetrieval): Promise<void> {
    const { key } = request.location;
    const handle = request.restoreHandle ?? key;
    this.planNextCheck(request);
    const state =
      request.status === RetrievalStatus.InProgress
        ? await retrieval.restoreStatus(key, handle)
        : ({ state: 'none' } as const);
    if (state.state !== 'none') return this.apply(request, handle, state);
    // Claimed before the provider is asked: a concurrent check fails this save and stops here.
    await this.retrievals.save(request);
    const started = await retrieval.startRestore(key, request.tier, request.days);
    this.apply(request, started.handle, started.status);
  }

  private apply(request: RetrievalRequest, handle: string, state: RestoreState): void {
    const now = this.clock.now();
    if (state.state === 'ready') {
      if (!state.expiresAt || state.expiresAt > now) request.complete(handle, state.expiresAt, now);
      else request.restoreStarted(handle, now); // a copy already past its time: looked at again
    } else if (state.state === 'failed') request.fail(state.reason, now);
    else request.restoreStarted(handle, now);
  }

  private planNextCheck(request: RetrievalRequest): void {
    const now = this.clock.now();
    request.checked(now, new Date(now.getTime() + this.settings.schedule.nextDelayMs(request.tier, request.checks)));
  }

  private giveUpIfOverdue(request: RetrievalRequest): void {
    if (request.status !== RetrievalStatus.Requested && request.status !== RetrievalStatus.InProgress) return;
    const typical = this.providers.has(request.location.providerId)
      ? this.providers.get(request.location.providerId).capabilities.retrievalMinutes?.[request.tier]
      : undefined;
    const giveUpAt = this.settings.schedule.giveUpAt(request.tier, typical, request.tierSince);
    const now = this.clock.now();
    if (now >= giveUpAt) request.fail(`the restore was not ready by ${giveUpAt.toISOString()}; request it again`, now);
  }

  /** The delay until the next check, scheduled; null when nothing is left to look at. */
  private async scheduleNext(request: RetrievalRequest): Promise<number | null> {
    const at = request.nextCheckAt;
    if (!at) return null; // ended: failed or expired
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    await this.polls.schedule(request.id, delay, `check-${request.checks}-${request.status}`);
    return delay;
  }
}

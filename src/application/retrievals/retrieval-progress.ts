import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConcurrentModificationError } from '../../domain/file';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequest, RetrievalRequestRepository, RetrievalStatus } from '../../domain/retrieval';
import { ArchiveRetrieval, RestoreState } from '../../domain/storage';
import { CLOCK, Clock, RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, RetrievalPolls, RetrievalSettings, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../ports';

/**
 * Moves a retrieval request on by asking its provider: starts the restore if it never started (or
 * the provider forgot it), records where it stands, gives up once it is overdue, and schedules the
 * next look. Every step is idempotent, so a repeated or concurrent check does no harm.
 */
@Injectable()
export class RetrievalProgress {
  private readonly logger = new Logger('Retrieval');

  constructor(
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_SETTINGS) private readonly settings: RetrievalSettings,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Throws what the provider throws (unreachable, refused), after scheduling a retry. */
  async advance(request: RetrievalRequest): Promise<number | null> {
    try {
      await this.step(request);
    } catch (error) {
      if (error instanceof ConcurrentModificationError) return null; // another check moved it on
      if (request.isActive(this.clock.now())) await this.scheduleNext(request).catch(() => undefined);
      throw error;
    }
    return this.scheduleNext(request);
  }

  private async step(request: RetrievalRequest): Promise<void> {
    const now = this.clock.now();
    const { key, providerId } = request.location;
    const retrieval = this.providers.has(providerId) ? this.providers.get(providerId).retrieval : undefined;
    if (request.status === RetrievalStatus.Ready) {
      // Past its time, or gone sooner than the provider said (a vault's job output, a copy S3 let go).
      const gone = !request.canServe(now) || (retrieval && (await retrieval.restoreStatus(key, request.restoreHandle ?? key)).state !== 'ready');
      if (gone) request.expire(now);
    } else if (!retrieval) {
      request.fail(`provider ${providerId} cannot restore archived objects`, now);
    } else if (request.status === RetrievalStatus.Requested) {
      await this.start(request, retrieval);
    } else if (request.status === RetrievalStatus.InProgress) {
      const state = await retrieval.restoreStatus(key, request.restoreHandle ?? key);
      // The provider has no restore for it (lost, or a vault job that expired unread): ask again.
      if (state.state === 'none') await this.start(request, retrieval);
      else this.apply(request, request.restoreHandle ?? key, state);
    }
    this.giveUpIfOverdue(request);
    await this.retrievals.save(request);
  }

  private async start(request: RetrievalRequest, retrieval: ArchiveRetrieval): Promise<void> {
    const started = await retrieval.startRestore(request.location.key, request.tier, request.days);
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

  private giveUpIfOverdue(request: RetrievalRequest): void {
    const now = this.clock.now();
    if (request.status !== RetrievalStatus.Requested && request.status !== RetrievalStatus.InProgress) return;
    const provider = this.providers.has(request.location.providerId) ? this.providers.get(request.location.providerId) : undefined;
    const typical = provider?.capabilities.retrievalMinutes?.[request.tier];
    const giveUpAt = this.settings.schedule.giveUpAt(request.tier, typical, request.requestedAt);
    if (now >= giveUpAt) {
      request.fail(`the restore was not ready by ${giveUpAt.toISOString()}; request it again`, now);
      return;
    }
    const delay = this.settings.schedule.nextDelayMs(request.tier, request.checks);
    request.checked(now, new Date(now.getTime() + delay));
  }

  /** The delay until the next check, scheduled; null when nothing is left to look at. */
  private async scheduleNext(request: RetrievalRequest): Promise<number | null> {
    const at = request.nextCheckAt;
    if (!at) return null; // ended: failed or expired
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    await this.polls.schedule(request.id, delay, `check-${request.checks}-${request.status}`);
    this.logger.debug?.(`retrieval ${request.id} (${request.status}): next check in ${delay} ms`);
    return delay;
  }
}

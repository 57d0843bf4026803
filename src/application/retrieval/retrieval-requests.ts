import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConcurrentModificationError, File } from '../../domain/files';
import {
  ActiveRetrievalExistsError,
  InvalidRetrievalTierError,
  isFasterTier,
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalRequest,
  RetrievalRequestRepository,
  RetrievalStatus,
} from '../../domain/retrieval';
import { RetrievalTier, StorageProvider } from '../../domain/storage';
import {
  CLOCK,
  Clock,
  ID_GENERATOR,
  IdGenerator,
  RETRIEVAL_POLLS,
  RETRIEVAL_SETTINGS,
  RetrievalPolls,
  RetrievalSettings,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderRegistry,
} from '../ports';
import { retryOnConflict } from '../shared/retry-on-conflict';
import { RetrievalProgress } from './retrieval-progress';

/**
 * Asks for an archived file's restore, or joins the one under way (speeding it up to a faster
 * tier where the provider can): for a user's request and for a move out of the archive alike.
 */
@Injectable()
export class RetrievalRequests {
  private readonly logger = new Logger('Retrieval');

  constructor(
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_SETTINGS) private readonly settings: RetrievalSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    private readonly progress: RetrievalProgress,
  ) {}

  /** `file` is archived and may be read by `requestedBy`; answers the request and whether it was joined. */
  async request(
    file: File,
    requestedBy: string,
    tier: RetrievalTier,
    days?: number,
  ): Promise<{ request: RetrievalRequest; shared: boolean }> {
    const location = file.primaryLocation();
    const provider = this.providers.get(location.providerId);
    const offered = provider.retrieval ? provider.capabilities.retrievalTiers : [];
    if (!offered.includes(tier)) throw new InvalidRetrievalTierError(tier, offered, provider.id);

    const shared = await this.current(file);
    if (shared) return { request: await this.upgradeIfFaster(shared, tier, provider), shared: true };
    const now = this.clock.now();
    const request = RetrievalRequest.request({
      id: this.ids.next(),
      fileId: file.id,
      ownerId: file.ownerId,
      requestedBy,
      location,
      tier,
      days: days ?? this.settings.defaultDays,
      estimatedReadyAt: this.estimate(tier, provider, now),
      now,
    });
    try {
      await this.retrievals.save(request);
    } catch (error) {
      if (!(error instanceof ActiveRetrievalExistsError)) throw error;
      const winner = await this.current(file); // a concurrent request got there first
      if (winner) return { request: winner, shared: true };
      throw error;
    }
    // Recorded first, then started: if the provider cannot be reached now, the poller retries.
    const started = await this.progress.advance(request).catch((e: Error) => ({ deferred: e.message }));
    if (started.deferred) {
      this.logger.warn(`retrieval ${request.id}: starting the restore failed, will retry: ${started.deferred}`);
    }
    return { request, shared: false };
  }

  /**
   * Joining a restore that is not ready yet with a faster tier speeds it up where the provider can
   * (S3's restore speed upgrade; one not started yet just starts at the new tier). A vault job
   * keeps its tier: the request stays as it is and the answer says which tier runs. So does a
   * `requested` one there: its job may be being started right now (claimed by a check whose answer
   * is still to come), and a second start would be a second billed job.
   */
  private upgradeIfFaster(
    joined: RetrievalRequest,
    tier: RetrievalTier,
    provider: StorageProvider,
  ): Promise<RetrievalRequest> {
    // A check that moved it on meanwhile loses nothing: it is read again (it may be ready by now).
    return retryOnConflict(3, async (run) => {
      const request = run === 1 ? joined : await this.retrievals.findById(joined.id);
      if (!request) throw new ConcurrentModificationError(joined.id);
      const running = request.status === RetrievalStatus.InProgress;
      const startable = request.status === RetrievalStatus.Requested || running;
      if (!isFasterTier(tier, request.tier) || !startable) return request;
      const retrieval = provider.retrieval;
      if (!retrieval?.upgradeRestore) return request;
      const handle = request.restoreHandle ?? request.location.key;
      const { key } = request.location;
      if (running && !(await retrieval.upgradeRestore(key, handle, tier, request.days))) return request;
      const now = this.clock.now();
      const firstCheckMs = this.settings.schedule.nextDelayMs(tier, 0);
      request.upgradeTier(tier, this.estimate(tier, provider, now), new Date(now.getTime() + firstCheckMs), now);
      await this.retrievals.save(request);
      // The sweep re-schedules a check whose scheduling failed.
      await this.polls.schedule(request.id, firstCheckMs, `upgraded-${tier}`).catch(() => undefined);
      return request;
    });
  }

  private estimate(tier: RetrievalTier, provider: StorageProvider, now: Date): Date {
    return this.settings.schedule.estimatedReadyAt(tier, provider.capabilities.retrievalMinutes?.[tier], now);
  }

  /**
   * The file's active request, after retiring one whose restored copy ran out, or one for where the
   * file was before it moved (a crash cut the move short before it retired it): joining that would
   * wait on, or serve, bytes the file no longer points at.
   */
  private async current(file: File): Promise<RetrievalRequest | null> {
    const existing = await this.retrievals.findCurrentForFile(file.id);
    if (!existing) return null;
    const now = this.clock.now();
    const moved = !file.isAt(existing.location);
    if (existing.isActive(now) && !moved) return existing;
    if (existing.status === RetrievalStatus.Ready) existing.expire(now);
    else if (existing.isActive(now)) existing.fail('the file moved to other storage; request it again', now);
    else return null;
    await this.retrievals.save(existing).catch(() => undefined); // a concurrent check may have ended it
    return null;
  }
}

import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrentModificationError, File, FILE_REPOSITORY, FileNotFoundError, FileRepository, UploadStatus } from '../../../domain/files';
import { RetrievalTier, StorageProvider } from '../../../domain/storage';
import {
  ActiveRetrievalExistsError,
  InvalidRetrievalTierError,
  isFasterTier,
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalNotNeededError,
  RetrievalRequest,
  RetrievalRequestRepository,
  RetrievalStatus,
} from '../../../domain/retrieval';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, RETRIEVAL_POLLS, RETRIEVAL_SETTINGS, RetrievalPolls, RetrievalSettings, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { loadAccessibleFile } from '../../files/file-access';
import { RetrievalProgress } from '../retrieval-progress';
import { toRetrievalView } from '../retrieval-view';
import { RequestRetrievalCommand, RetrievalOutcome } from './retrieval.commands';

@CommandHandler(RequestRetrievalCommand)
export class RequestRetrievalHandler implements ICommandHandler<RequestRetrievalCommand, RetrievalOutcome> {
  private readonly logger = new Logger('Retrieval');

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_SETTINGS) private readonly settings: RetrievalSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    private readonly progress: RetrievalProgress,
  ) {}

  async execute({ actor, fileId, tier, days }: RequestRetrievalCommand): Promise<RetrievalOutcome> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    if (file.status !== UploadStatus.Archived) throw new RetrievalNotNeededError(file.id, file.status);
    const location = file.primaryLocation();
    const provider = this.providers.get(location.providerId);
    const offered = provider.retrieval ? provider.capabilities.retrievalTiers : [];
    if (!offered.includes(tier)) throw new InvalidRetrievalTierError(tier, offered, provider.id);

    const shared = await this.current(file);
    if (shared) return { retrieval: toRetrievalView(await this.upgradeIfFaster(shared, tier, provider)), shared: true };
    const now = this.clock.now();
    const request = RetrievalRequest.request({
      id: this.ids.next(),
      fileId: file.id,
      ownerId: file.ownerId,
      requestedBy: actor.userId,
      location,
      tier,
      days: days ?? this.settings.defaultDays,
      estimatedReadyAt: this.settings.schedule.estimatedReadyAt(tier, provider.capabilities.retrievalMinutes?.[tier], now),
      now,
    });
    try {
      await this.retrievals.save(request);
    } catch (error) {
      if (!(error instanceof ActiveRetrievalExistsError)) throw error;
      const winner = await this.current(file); // a concurrent request got there first
      if (winner) return { retrieval: toRetrievalView(winner), shared: true };
      throw error;
    }
    // Recorded first, then started: if the provider cannot be reached now, the poller retries.
    const started = await this.progress.advance(request).catch((e: Error) => ({ deferred: e.message }));
    if (started.deferred) this.logger.warn(`retrieval ${request.id}: starting the restore failed, will retry: ${started.deferred}`);
    return { retrieval: toRetrievalView(request), shared: false };
  }

  /**
   * Joining a restore that is not ready yet with a faster tier speeds it up where the provider can
   * (S3's restore speed upgrade; one not started yet just starts at the new tier). A vault job
   * keeps its tier: the request stays as it is and the answer says which tier runs. So does a
   * `requested` one there: its job may be being started right now (claimed by a check whose answer
   * is still to come), and a second start would be a second billed job.
   */
  private async upgradeIfFaster(request: RetrievalRequest, tier: RetrievalTier, provider: StorageProvider): Promise<RetrievalRequest> {
    for (let attempt = 1; ; attempt++) {
      const running = request.status === RetrievalStatus.InProgress;
      if (!isFasterTier(tier, request.tier) || (request.status !== RetrievalStatus.Requested && !running)) return request;
      const upgrade = provider.retrieval?.upgradeRestore;
      if (!upgrade) return request;
      if (running && !(await upgrade.call(provider.retrieval, request.location.key, request.restoreHandle ?? request.location.key, tier, request.days))) return request;
      const now = this.clock.now();
      const firstCheckMs = this.settings.schedule.nextDelayMs(tier, 0);
      request.upgradeTier(tier, this.settings.schedule.estimatedReadyAt(tier, provider.capabilities.retrievalMinutes?.[tier], now), new Date(now.getTime() + firstCheckMs), now);
      try {
        await this.retrievals.save(request);
        await this.polls.schedule(request.id, firstCheckMs, `upgraded-${tier}`).catch(() => undefined); // the sweep re-schedules a lost one
        return request;
      } catch (error) {
        // A check moved it on meanwhile: look again (it may be ready by now).
        if (!(error instanceof ConcurrentModificationError) || attempt >= 3) throw error;
        const fresh = await this.retrievals.findById(request.id);
        if (!fresh) throw error;
        request = fresh;
      }
    }
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

import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository, UploadStatus } from '../../../domain/file';
import {
  ActiveRetrievalExistsError,
  InvalidRetrievalTierError,
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalNotNeededError,
  RetrievalRequest,
  RetrievalRequestRepository,
  RetrievalStatus,
} from '../../../domain/retrieval';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, RETRIEVAL_SETTINGS, RetrievalSettings, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
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

    const shared = await this.current(file.id);
    if (shared) return { retrieval: toRetrievalView(shared), shared: true };
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
      const winner = await this.current(file.id); // a concurrent request got there first
      if (winner) return { retrieval: toRetrievalView(winner), shared: true };
      throw error;
    }
    // Recorded first, then started: if the provider cannot be reached now, the poller retries.
    const started = await this.progress.advance(request).catch((e: Error) => ({ deferred: e.message }));
    if (started.deferred) this.logger.warn(`retrieval ${request.id}: starting the restore failed, will retry: ${started.deferred}`);
    return { retrieval: toRetrievalView(request), shared: false };
  }

  /** The file's active request, after retiring one whose restored copy ran out. */
  private async current(fileId: string): Promise<RetrievalRequest | null> {
    const existing = await this.retrievals.findCurrentForFile(fileId);
    if (!existing) return null;
    const now = this.clock.now();
    if (existing.isActive(now)) return existing;
    if (existing.status === RetrievalStatus.Ready) {
      existing.expire(now);
      await this.retrievals.save(existing).catch(() => undefined); // a concurrent check may have expired it
    }
    return null;
  }
}

import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { File, FILE_REPOSITORY, FileNotFoundError, FileRepository, UploadStatus } from '../../../domain/files';
import {
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalRequestRepository,
  RetrievalRequiredError,
} from '../../../domain/retrieval';
import { ByteBody, ByteRange, RestoreNotReadyError } from '../../../domain/storage';
import {
  CLOCK,
  Clock,
  RETRIEVAL_POLLS,
  RetrievalPolls,
  STORAGE_PROVIDER_REGISTRY,
  StorageProviderRegistry,
} from '../../ports';
import { loadAccessibleFile } from '../file-access';
import { toFileView } from '../file-view';
import { FileContent, GetFileContentQuery } from './get-file-content.query';

@QueryHandler(GetFileContentQuery)
export class GetFileContentHandler implements IQueryHandler<GetFileContentQuery, FileContent> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, fileId }: GetFileContentQuery): Promise<FileContent> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    if (file.status === UploadStatus.Archived) return this.fromRestoredCopy(file);
    const location = file.readableLocation();
    const provider = this.providers.get(location.providerId);
    return { file: toFileView(file), open: (range) => provider.read(location.key, range) };
  }

  /** An archived file is served from its restored copy while one is ready; otherwise 409 with the way to get one. */
  private async fromRestoredCopy(file: File): Promise<FileContent> {
    const request = await this.retrievals.findCurrentForFile(file.id);
    const now = this.clock.now();
    if (!request?.canServe(now)) {
      const pending = request?.isActive(now)
        ? { id: request.id, status: request.status, estimatedReadyAt: request.estimatedReadyAt }
        : null;
      throw new RetrievalRequiredError(file.id, pending);
    }
    const location = file.primaryLocation();
    const retrieval = this.providers.get(location.providerId).retrieval;
    if (!retrieval) throw new RetrievalRequiredError(file.id, null);
    const handle = request.restoreHandle ?? location.key;
    const open = async (range?: ByteRange): Promise<ByteBody> => {
      try {
        return await retrieval.readRestored(location.key, handle, range);
      } catch (error) {
        if (!(error instanceof RestoreNotReadyError)) throw error;
        // The provider let the copy go sooner than it said: a check now marks the request expired.
        // One check per minute however many downloads notice it.
        await this.polls
          .schedule(request.id, 0, `vanished-${Math.floor(this.clock.now().getTime() / 60_000)}`)
          .catch(() => undefined);
        throw new RetrievalRequiredError(file.id, null);
      }
    };
    return { file: toFileView(file), open };
  }
}

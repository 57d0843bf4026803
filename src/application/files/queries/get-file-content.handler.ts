import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository, UploadStatus } from '../../../domain/files';
import { RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequestRepository } from '../../../domain/retrieval';
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
import { RestoredCopy } from '../restored-copy';
import { FileContent, GetFileContentQuery } from './get-file-content.query';

@QueryHandler(GetFileContentQuery)
export class GetFileContentHandler implements IQueryHandler<GetFileContentQuery, FileContent> {
  private readonly restored: RestoredCopy;

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) retrievals: RetrievalRequestRepository,
    @Inject(RETRIEVAL_POLLS) polls: RetrievalPolls,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.restored = new RestoredCopy(providers, retrievals, polls, clock);
  }

  async execute({ actor, fileId }: GetFileContentQuery): Promise<FileContent> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    if (file.status === UploadStatus.Archived)
      return { file: toFileView(file), open: await this.restored.opener(file) };
    const location = file.readableLocation();
    const provider = this.providers.get(location.providerId);
    return { file: toFileView(file), open: (range) => provider.read(location.key, range) };
  }
}

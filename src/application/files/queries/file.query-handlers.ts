import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository } from '../../../domain/file';
import { isAdmin } from '../../../domain/user/role';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { loadAccessibleFile } from '../file-access';
import { FileView, toFileView } from '../file-view';
import { FILE_READ_MODEL, FilePage, FileReadModel } from './file-read-model';
import { FileContent, GetFileContentQuery, GetFileQuery, ListFilesQuery } from './file.queries';

@QueryHandler(GetFileQuery)
export class GetFileHandler implements IQueryHandler<GetFileQuery, FileView> {
  constructor(@Inject(FILE_REPOSITORY) private readonly files: FileRepository) {}

  async execute({ actor, fileId }: GetFileQuery): Promise<FileView> {
    return toFileView(await loadAccessibleFile(this.files, actor, fileId));
  }
}

@QueryHandler(ListFilesQuery)
export class ListFilesHandler implements IQueryHandler<ListFilesQuery, FilePage> {
  constructor(@Inject(FILE_READ_MODEL) private readonly readModel: FileReadModel) {}

  async execute({ actor, filter, limit, cursor }: ListFilesQuery): Promise<FilePage> {
    const { allOwners, ...rest } = filter;
    const ownerId = allOwners && isAdmin(actor) ? null : actor.userId;
    return this.readModel.list({ ...rest, ownerId }, limit, cursor);
  }
}

@QueryHandler(GetFileContentQuery)
export class GetFileContentHandler implements IQueryHandler<GetFileContentQuery, FileContent> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
  ) {}

  async execute({ actor, fileId }: GetFileContentQuery): Promise<FileContent> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    const location = file.readableLocation();
    const provider = this.providers.get(location.providerId);
    return { file: toFileView(file), open: (range) => provider.read(location.key, range) };
  }
}

import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import { loadAccessibleFile } from '../file-access';
import { FileView, toFileView } from '../file-view';
import { GetFileQuery } from './get-file.query';

@QueryHandler(GetFileQuery)
export class GetFileHandler implements IQueryHandler<GetFileQuery, FileView> {
  constructor(@Inject(FILE_REPOSITORY) private readonly files: FileRepository) {}

  async execute({ actor, fileId }: GetFileQuery): Promise<FileView> {
    return toFileView(await loadAccessibleFile(this.files, actor, fileId));
  }
}

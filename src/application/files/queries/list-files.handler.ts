import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isAdmin } from '../../../domain/auth/role';
import { FILE_READ_MODEL, FilePage, FileReadModel } from './file-read-model';
import { ListFilesQuery } from './list-files.query';

@QueryHandler(ListFilesQuery)
export class ListFilesHandler implements IQueryHandler<ListFilesQuery, FilePage> {
  constructor(@Inject(FILE_READ_MODEL) private readonly readModel: FileReadModel) {}

  async execute({ actor, filter, limit, cursor }: ListFilesQuery): Promise<FilePage> {
    const { allOwners, ...rest } = filter;
    const ownerId = allOwners && isAdmin(actor) ? null : actor.userId;
    return this.readModel.list({ ...rest, ownerId }, limit, cursor);
  }
}

import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { FileListFilter, FilePage } from './file-read-model';

export class ListFilesQuery extends Query<FilePage> {
  constructor(
    readonly actor: Actor,
    readonly filter: Omit<FileListFilter, 'ownerId'> & { allOwners?: boolean },
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}

import { Query } from '@nestjs/cqrs';
import { ByteBody, ByteRange } from '../../../domain/storage';
import { Actor } from '../../../domain/auth/role';
import { FileView } from '../file-view';
import { FileListFilter, FilePage } from './file-read-model';

export class GetFileQuery extends Query<FileView> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

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

export interface FileContent {
  file: FileView;
  /** Opened lazily, so a 304, a 416 or a HEAD never touches the provider. */
  open(range?: ByteRange): Promise<ByteBody>;
}

export class GetFileContentQuery extends Query<FileContent> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

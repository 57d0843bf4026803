import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { ByteBody, ByteRange } from '../../../domain/storage';
import { FileView } from '../file-view';

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

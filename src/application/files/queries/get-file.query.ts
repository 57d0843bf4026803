import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { FileView } from '../file-view';

export class GetFileQuery extends Query<FileView> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
  ) {
    super();
  }
}

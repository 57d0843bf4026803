import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { UploadView } from '../upload-view';

/** tus HEAD: where an upload stands. Expired and terminated uploads answer UploadGoneError. */
export class GetUploadQuery extends Query<UploadView> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

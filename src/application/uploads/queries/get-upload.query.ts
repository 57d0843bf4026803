import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { Actor } from '../../../domain/auth/role';
import { CLOCK, Clock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { toUploadView, UploadView } from '../upload-view';

/** tus HEAD: where an upload stands. Expired and terminated uploads answer UploadGoneError. */
export class GetUploadQuery extends Query<UploadView> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

@QueryHandler(GetUploadQuery)
export class GetUploadHandler implements IQueryHandler<GetUploadQuery, UploadView> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(q: GetUploadQuery): Promise<UploadView> {
    const session = await loadAccessibleUpload(this.sessions, q.actor, q.uploadId);
    session.assertAlive(this.clock.now());
    return toUploadView(session);
  }
}

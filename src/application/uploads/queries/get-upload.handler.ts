import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UPLOAD_SESSION_REPOSITORY, UploadSessionRepository } from '../../../domain/uploads';
import { CLOCK, Clock } from '../../ports';
import { loadAccessibleUpload } from '../upload-access';
import { toUploadView, UploadView } from '../upload-view';
import { GetUploadQuery } from './get-upload.query';

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

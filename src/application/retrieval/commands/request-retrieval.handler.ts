import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository, UploadStatus } from '../../../domain/files';
import { RetrievalNotNeededError } from '../../../domain/retrieval';
import { loadAccessibleFile } from '../../files/file-access';
import { RetrievalRequests } from '../retrieval-requests';
import { toRetrievalView } from '../retrieval-view';
import { RequestRetrievalCommand, RetrievalOutcome } from './request-retrieval.command';

/** A user asks for their archived file's restore (or joins the one under way). */
@CommandHandler(RequestRetrievalCommand)
export class RequestRetrievalHandler implements ICommandHandler<RequestRetrievalCommand, RetrievalOutcome> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    private readonly requests: RetrievalRequests,
  ) {}

  async execute({ actor, fileId, tier, days }: RequestRetrievalCommand): Promise<RetrievalOutcome> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    if (file.status !== UploadStatus.Archived) throw new RetrievalNotNeededError(file.id, file.status);
    const { request, shared } = await this.requests.request(file, actor.userId, tier, days);
    return { retrieval: toRetrievalView(request), shared };
  }
}

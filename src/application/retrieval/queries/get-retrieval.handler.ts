import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isAdmin } from '../../../domain/auth/role';
import {
  RETRIEVAL_REQUEST_REPOSITORY,
  RetrievalNotFoundError,
  RetrievalRequestRepository,
} from '../../../domain/retrieval';
import { RetrievalView, toRetrievalView } from '../retrieval-view';
import { GetRetrievalQuery } from './get-retrieval.query';

@QueryHandler(GetRetrievalQuery)
export class GetRetrievalHandler implements IQueryHandler<GetRetrievalQuery, RetrievalView> {
  constructor(@Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository) {}

  async execute({ actor, retrievalId }: GetRetrievalQuery): Promise<RetrievalView> {
    const request = await this.retrievals.findById(retrievalId);
    // Another user's request answers "not found", as their files do.
    if (!request || !(request.ownerId === actor.userId || isAdmin(actor)))
      throw new RetrievalNotFoundError(retrievalId);
    return toRetrievalView(request);
  }
}

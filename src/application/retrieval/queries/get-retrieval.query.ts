import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { RetrievalView } from '../retrieval-view';

export class GetRetrievalQuery extends Query<RetrievalView> {
  constructor(
    readonly actor: Actor,
    readonly retrievalId: string,
  ) {
    super();
  }
}

import { CheckRetrievalHandler } from './commands/check-retrieval.handler';
import { RequestRetrievalHandler } from './commands/request-retrieval.handler';
import { SweepRetrievalsHandler } from './commands/sweep-retrievals.handler';
import { GetRetrievalHandler } from './queries/get-retrieval.handler';
import { RetrievalProgress } from './retrieval-progress';
import { RetrievalRequests } from './retrieval-requests';

export * from './commands/request-retrieval.command';
export * from './commands/check-retrieval.command';
export * from './commands/sweep-retrievals.command';
export * from './queries/get-retrieval.query';
export * from './queries/get-retrieval.handler';
export * from './retrieval-view';

export * from './retrieval-requests';

export const RETRIEVAL_SERVICES = [RetrievalProgress, RetrievalRequests];
export const RETRIEVAL_COMMAND_HANDLERS = [RequestRetrievalHandler, CheckRetrievalHandler, SweepRetrievalsHandler];
export const RETRIEVAL_QUERY_HANDLERS = [GetRetrievalHandler];

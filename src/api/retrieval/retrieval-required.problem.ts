import { RetrievalRequiredError } from '../../domain/retrieval';
import { ProblemException } from '../problem/problem-exception';

/**
 * 409 for a download of an archived file with no restored copy, linking to what to do next: the
 * retrieval under way (follow it), or where to request one (POST there with a tier).
 */
export function retrievalRequiredProblem(error: RetrievalRequiredError): ProblemException {
  const requestUrl = `/api/v1/files/${error.fileId}/retrievals`;
  const pending = error.pending;
  const retrieval = pending
    ? {
        id: pending.id,
        status: pending.status,
        estimatedReadyAt: pending.estimatedReadyAt.toISOString(),
        href: `/api/v1/retrievals/${pending.id}`,
      }
    : undefined;
  return new ProblemException(409, error.code, 'Retrieval Required', error.message, {
    retrieval,
    requestRetrieval: { method: 'POST', href: requestUrl },
    headers: { Link: pending ? `<${retrieval!.href}>; rel="retrieval"` : `<${requestUrl}>; rel="retrieval"` },
  });
}

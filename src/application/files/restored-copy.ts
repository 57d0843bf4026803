import { File } from '../../domain/files';
import { RetrievalRequestRepository, RetrievalRequiredError } from '../../domain/retrieval';
import { ByteBody, ByteRange, RestoreNotReadyError } from '../../domain/storage';
import { Clock, RetrievalPolls, StorageProviderRegistry } from '../ports';
import { FileContent } from './queries/get-file-content.query';

/** An archived file is served from its restored copy while one is ready; otherwise 409 with the way to get one. */
export class RestoredCopy {
  constructor(
    private readonly providers: StorageProviderRegistry,
    private readonly retrievals: RetrievalRequestRepository,
    private readonly polls: RetrievalPolls,
    private readonly clock: Clock,
  ) {}

  async opener(file: File): Promise<FileContent['open']> {
    const request = await this.retrievals.findCurrentForFile(file.id);
    const now = this.clock.now();
    if (!request?.canServe(now)) {
      const pending = request?.isActive(now)
        ? { id: request.id, status: request.status, estimatedReadyAt: request.estimatedReadyAt }
        : null;
      throw new RetrievalRequiredError(file.id, pending);
    }
    const location = file.primaryLocation();
    const retrieval = this.providers.get(location.providerId).retrieval;
    if (!retrieval) throw new RetrievalRequiredError(file.id, null);
    const handle = request.restoreHandle ?? location.key;
    return async (range?: ByteRange): Promise<ByteBody> => {
      try {
        return await retrieval.readRestored(location.key, handle, range);
      } catch (error) {
        if (!(error instanceof RestoreNotReadyError)) throw error;
        // The provider let the copy go sooner than it said: a check now marks the request expired.
        // One check per minute however many downloads notice it.
        await this.polls
          .schedule(request.id, 0, `vanished-${Math.floor(this.clock.now().getTime() / 60_000)}`)
          .catch(() => undefined);
        throw new RetrievalRequiredError(file.id, null);
      }
    };
  }
}

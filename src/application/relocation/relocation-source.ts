import { Logger } from '@nestjs/common';
import { File, StorageLocation, UploadStatus } from '../../domain/files';
import { isFasterTier, RetrievalRequest, RetrievalRequestRepository, RetrievalStatus } from '../../domain/retrieval';
import { ByteBody, RestoreNotReadyError } from '../../domain/storage';
import { Clock, RetrievalPolls, StorageProviderRegistry } from '../ports';
import { RetrievalRequests } from '../retrieval/retrieval-requests';
import { RelocateFileCommand, RelocationOutcome } from './commands/relocate-file.command';

/** How long a waiting move sleeps when the restore gives no time of its own (just asked, or ready by now). */
const WAIT_FALLBACK_MS = 5_000;
/** A move checks again shortly after the restore's own next check, not before. */
const WAIT_SLACK_MS = 2_000;

export type RelocationWait = Extract<RelocationOutcome, { status: 'waiting' }>;

/** The bytes a move copies, from where, and the restore they come out of (for an archived file). */
export interface OpenedSource {
  status: 'open';
  location: StorageLocation;
  body: ByteBody;
  restored: RetrievalRequest | null;
}

/** The restore of an archived source failed: the move cannot go on (retrying would only fail again). */
export class RelocationRestoreFailedError extends Error {
  constructor(retrievalId: string, reason: string | null) {
    super(`the restore the move waited for (retrieval ${retrievalId}) failed: ${reason ?? 'no reason given'}`);
    this.name = 'RelocationRestoreFailedError';
  }
}

/**
 * Where a move reads a file's bytes: its provider, or for an archived file the ready restored copy
 * of its location, asked for (or joined) first while there is none; the move waits meanwhile.
 */
export class RelocationSource {
  private readonly logger = new Logger('Relocation');

  constructor(
    private readonly retrievals: RetrievalRequestRepository,
    private readonly providers: StorageProviderRegistry,
    private readonly clock: Clock,
    private readonly polls: RetrievalPolls,
    private readonly requests: RetrievalRequests,
  ) {}

  async open(file: File, command: RelocateFileCommand): Promise<OpenedSource | RelocationWait> {
    const location = file.primaryLocation();
    const provider = this.providers.get(location.providerId);
    if (file.status !== UploadStatus.Archived) {
      return { status: 'open', location, body: await provider.read(location.key), restored: null };
    }
    const ready = await this.restoredCopy(file, command);
    if (ready.status === 'waiting') return ready;
    const restored = ready.request;
    try {
      const body = await provider.retrieval!.readRestored(location.key, restored.restoreHandle ?? location.key);
      return { status: 'open', location, body, restored };
    } catch (error) {
      if (!(error instanceof RestoreNotReadyError)) throw error;
      // The provider let the restored copy go sooner than it said (a vault's job output): a check
      // now marks the request expired, and the move asks for a new restore when it looks again.
      const occasion = `vanished-${Math.floor(this.clock.now().getTime() / 60_000)}`;
      await this.polls.schedule(restored.id, 0, occasion).catch(() => undefined);
      const retryAt = new Date(this.clock.now().getTime() + WAIT_FALLBACK_MS);
      return { status: 'waiting', retrievalId: restored.id, retryAt };
    }
  }

  /** The restored copy of the old location served its purpose; a later restore of new bytes must not find it. */
  async release(request: RetrievalRequest): Promise<void> {
    try {
      const fresh = await this.retrievals.findById(request.id);
      if (fresh?.status !== RetrievalStatus.Ready) return;
      fresh.expire(this.clock.now());
      await this.retrievals.save(fresh);
    } catch (error) {
      const reason = (error as Error).message;
      this.logger.warn(`retrieval ${request.id}: could not be retired after its file moved: ${reason}`);
    }
  }

  /**
   * The ready restore of an archived file, or when to look again; asks for one when none is
   * running (or the running one is slower).
   */
  private async restoredCopy(
    file: File,
    { tier, requestedBy, waitedFor }: RelocateFileCommand,
  ): Promise<{ status: 'ready'; request: RetrievalRequest } | RelocationWait> {
    const now = this.clock.now();
    if (waitedFor) {
      const waited = await this.retrievals.findById(waitedFor);
      if (waited?.status === RetrievalStatus.Failed) throw failedRestore(waited);
    }
    let request = await this.retrievals.findCurrentForFile(file.id);
    if (request?.canServe(now) && file.isAt(request.location)) return { status: 'ready', request };
    // Asking (again) joins a running restore and speeds it up to this move's tier where it is slower;
    // one for where the file was before an earlier move (whose retirement a crash cut short) is no
    // use: asking again retires it and restores the file's own copy.
    if (!request || !request.isActive(now) || !file.isAt(request.location) || isFasterTier(tier, request.tier)) {
      // On behalf of whoever asked for the move (checked then): the owner, or an admin's bulk move.
      const asked = (await this.requests.request(file, requestedBy, tier)).request;
      request = (await this.retrievals.findById(asked.id)) ?? asked; // as the restore's first check left it
    }
    if (request.status === RetrievalStatus.Failed) throw failedRestore(request);
    const next =
      request.nextCheckAt && request.status !== RetrievalStatus.Ready
        ? request.nextCheckAt.getTime() + WAIT_SLACK_MS
        : now.getTime() + WAIT_FALLBACK_MS;
    return { status: 'waiting', retrievalId: request.id, retryAt: new Date(Math.max(next, now.getTime() + 1_000)) };
  }
}

function failedRestore(request: RetrievalRequest): RelocationRestoreFailedError {
  return new RelocationRestoreFailedError(request.id, request.snapshot().failureReason);
}

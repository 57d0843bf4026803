import { Inject, Logger, Optional } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConcurrentModificationError, File, FILE_REPOSITORY, FileRepository, StorageLocation, UploadStatus } from '../../../domain/files';
import { isFasterTier, RETRIEVAL_REQUEST_REPOSITORY, RetrievalRequest, RetrievalRequestRepository, RetrievalStatus } from '../../../domain/retrieval';
import { ByteBody, RestoreNotReadyError, StorageProvider, WriteResult } from '../../../domain/storage';
import { Role } from '../../../domain/auth/role';
import { CLOCK, Clock, RETRIEVAL_POLLS, RetrievalPolls, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { RequestRetrievalCommand } from '../../retrieval';
import { RenditionFollower } from '../rendition-follower';
import { RelocateFileCommand, RelocationOutcome } from './relocation.commands';

/** How long a waiting move sleeps when the restore gives no time of its own (just asked, or ready by now). */
const WAIT_FALLBACK_MS = 5_000;
/** A move checks again shortly after the restore's own next check, not before. */
const WAIT_SLACK_MS = 2_000;
const SAVE_ATTEMPTS = 3;

/** The restore of an archived source failed: the move cannot go on (retrying would only fail again). */
export class RelocationRestoreFailedError extends Error {
  constructor(retrievalId: string, reason: string | null) {
    super(`the restore the move waited for (retrieval ${retrievalId}) failed: ${reason ?? 'no reason given'}`);
    this.name = 'RelocationRestoreFailedError';
  }
}

/**
 * Moves one file's bytes to another provider, safely at every step:
 * 1. an archived source is restored first (joining a running restore); the job waits meanwhile;
 * 2. the bytes stream from source to target, which checks them against the file's SHA-256, so a
 *    corrupt source never replaces good bytes;
 * 3. the file is repointed in one save (with its FileRelocated event). A file changed meanwhile is
 *    reloaded and repointed if it still is where the copy came from; one deleted or moved meanwhile
 *    keeps what it has and the new copy is removed;
 * 4. the old copy is removed RELOCATION_OLD_COPY_GRACE_S after the save, by the relocated-object
 *    cleanup (an event subscriber queuing a delayed delete-given-up-copies job), so no crash
 *    leaves the file pointing at bytes that are gone.
 * Idempotent: a file already on the target is skipped.
 */
@CommandHandler(RelocateFileCommand)
export class RelocateFileHandler implements ICommandHandler<RelocateFileCommand, RelocationOutcome> {
  private readonly logger = new Logger('Relocation');

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RETRIEVAL_REQUEST_REPOSITORY) private readonly retrievals: RetrievalRequestRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RETRIEVAL_POLLS) private readonly polls: RetrievalPolls,
    private readonly commands: CommandBus,
    /** Thumbnails follow the file off the provider it left (absent in unit tests: none move). */
    @Optional() private readonly renditions?: RenditionFollower,
  ) {}

  async execute(command: RelocateFileCommand): Promise<RelocationOutcome> {
    const { fileId, toProviderId, run } = command;
    const file = await this.files.findById(fileId);
    const skip = this.whySkip(file, toProviderId);
    if (skip) return { status: 'skipped', reason: skip };
    const source = file!.primaryLocation();
    const from = this.providers.get(source.providerId);
    const target = this.providers.get(toProviderId);

    let restored: RetrievalRequest | null = null;
    if (file!.status === UploadStatus.Archived) {
      const ready = await this.restoredCopy(file!, command);
      if (ready.status === 'waiting') return ready;
      restored = ready.request;
    }

    let body: ByteBody;
    try {
      body = await (restored ? from.retrieval!.readRestored(source.key, restored.restoreHandle ?? source.key) : from.read(source.key));
    } catch (error) {
      if (!(restored && error instanceof RestoreNotReadyError)) throw error;
      // The provider let the restored copy go sooner than it said (a vault's job output): a check
      // now marks the request expired, and the move asks for a new restore when it looks again.
      await this.polls.schedule(restored.id, 0, `vanished-${Math.floor(this.clock.now().getTime() / 60_000)}`).catch(() => undefined);
      return { status: 'waiting', retrievalId: restored.id, retryAt: new Date(this.clock.now().getTime() + WAIT_FALLBACK_MS) };
    }
    const size = file!.size.bytes;
    const written = await target.write(counted(body, size, run.progress), {
      maxBytes: size,
      contentType: file!.type.mimeType,
      expectedSha256: file!.hash.hex,
      signal: run.signal,
    });
    // A provider (a plugin) that ignored expectedSha256 is not trusted with it.
    if (written.sha256 !== file!.hash.hex || written.size !== size) {
      await target.delete(written.key).catch(() => undefined);
      throw new Error(`the copy on ${toProviderId} does not match the file (SHA-256 ${written.sha256}, ${written.size} bytes); nothing was changed`);
    }

    const moved = await this.repoint(fileId, source, target, written).catch(async (error: unknown) => {
      // Refused for a version conflict every time: certainly not saved, so nothing points at the
      // copy (the retry makes another). Any other failure may have been saved: the copy stays.
      if (error instanceof ConcurrentModificationError) await target.delete(written.key).catch(() => undefined);
      throw error;
    });
    if (!moved) {
      await target.delete(written.key).catch(() => undefined);
      return { status: 'skipped', reason: 'the file changed while it was copied (deleted or moved); it keeps what it has' };
    }
    if (restored) await this.retire(restored);
    const renditions = this.renditions
      ? await this.renditions.follow(fileId, source.providerId, toProviderId, run.signal).catch((error: Error) => {
          this.logger.warn(`file ${fileId}: its renditions stay on ${source.providerId}: ${error.message}`);
          return 0;
        })
      : 0;
    this.logger.log(`file ${fileId} moved from ${source.providerId} to ${toProviderId} (${size} bytes)`);
    return { status: 'relocated', fromProviderId: source.providerId, toProviderId, bytes: size, renditions };
  }

  private whySkip(file: File | null, toProviderId: string): string | null {
    return file ? (file.whyCannotMoveTo(toProviderId)?.message ?? null) : 'the file no longer exists';
  }

  /** The ready restore of an archived file, or when to look again; asks for one when none is running (or the running one is slower). */
  private async restoredCopy(file: File, { fileId, tier, requestedBy, waitedFor }: RelocateFileCommand): Promise<{ status: 'ready'; request: RetrievalRequest } | Extract<RelocationOutcome, { status: 'waiting' }>> {
    const now = this.clock.now();
    if (waitedFor) {
      const waited = await this.retrievals.findById(waitedFor);
      if (waited?.status === RetrievalStatus.Failed) throw new RelocationRestoreFailedError(waited.id, waited.snapshot().failureReason);
    }
    let request = await this.retrievals.findCurrentForFile(fileId);
    if (request?.canServe(now) && file.isAt(request.location)) return { status: 'ready', request };
    // Asking (again) joins a running restore and speeds it up to this move's tier where it is slower;
    // one for where the file was before an earlier move (whose retirement a crash cut short) is no
    // use: asking again retires it and restores the file's own copy.
    if (!request || !request.isActive(now) || !file.isAt(request.location) || isFasterTier(tier, request.tier)) {
      // On behalf of whoever asked for the move (checked then): the owner, or an admin's bulk move.
      const actor = { userId: requestedBy, roles: requestedBy === file.ownerId ? [Role.User] : [Role.Admin] };
      const { retrieval } = await this.commands.execute(new RequestRetrievalCommand(actor, fileId, tier));
      request = await this.retrievals.findById(retrieval.id);
      if (!request) throw new Error(`retrieval ${retrieval.id} vanished`);
    }
    if (request.status === RetrievalStatus.Failed) throw new RelocationRestoreFailedError(request.id, request.snapshot().failureReason);
    const next = request.nextCheckAt && request.status !== RetrievalStatus.Ready ? request.nextCheckAt.getTime() + WAIT_SLACK_MS : now.getTime() + WAIT_FALLBACK_MS;
    return { status: 'waiting', retrievalId: request.id, retryAt: new Date(Math.max(next, now.getTime() + 1_000)) };
  }

  /** Points the file at the new copy; false when the file is no longer where the copy came from. */
  private async repoint(fileId: string, source: StorageLocation, target: StorageProvider, written: WriteResult): Promise<boolean> {
    const location = StorageLocation.of(target.id, written.key);
    for (let attempt = 1; ; attempt++) {
      const file = await this.files.findById(fileId);
      if (!file || file.whyCannotMoveTo(target.id) || !file.isAt(source)) return false;
      file.relocate(location, target.capabilities.retrievalRequired, this.clock.now());
      try {
        await this.files.save(file);
        return true;
      } catch (error) {
        // Edited meanwhile (metadata, a concurrent restore): load it again and repoint that.
        if (!(error instanceof ConcurrentModificationError) || attempt >= SAVE_ATTEMPTS) throw error;
      }
    }
  }

  /** The restored copy of the old location served its purpose; a later restore of new bytes must not find it. */
  private async retire(request: RetrievalRequest): Promise<void> {
    try {
      const fresh = await this.retrievals.findById(request.id);
      if (fresh?.status !== RetrievalStatus.Ready) return;
      fresh.expire(this.clock.now());
      await this.retrievals.save(fresh);
    } catch (error) {
      this.logger.warn(`retrieval ${request.id}: could not be retired after its file moved: ${(error as Error).message}`);
    }
  }
}

/**
 * The body as it passes, reporting progress at most once per percent and never waiting for it: a
 * report is a Redis round trip, and the bytes should not queue behind it (one report in flight at
 * a time; percents passed meanwhile are folded into the next).
 */
async function* counted(body: ByteBody, total: number, progress?: (percent: number) => Promise<void>): ByteBody {
  let seen = 0;
  let reported = -1;
  let inFlight = false;
  for await (const chunk of body) {
    seen += chunk.length;
    const percent = Math.min(total > 0 ? Math.floor((seen / total) * 100) : 100, 99);
    if (progress && percent > reported && !inFlight) {
      reported = percent;
      inFlight = true;
      void progress(percent)
        .catch(() => undefined)
        .finally(() => (inFlight = false));
    }
    yield chunk;
  }
}

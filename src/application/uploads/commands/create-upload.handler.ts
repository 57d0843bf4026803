import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnknownStorageProviderError } from '../../../domain/storage';
import {
  StartUploadProps,
  UPLOAD_SESSION_REPOSITORY,
  UploadNotFoundError,
  UploadSession,
  UploadSessionRepository,
  UploadTarget,
} from '../../../domain/upload-session';
import { FileIngestion } from '../../files/file-ingestion';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, UPLOAD_SETTINGS, UPLOAD_STAGING, UploadSettings, UploadStaging } from '../../ports';
import { DirectUpload } from '../direct-upload';
import { IncomingChunk, ReceivedChunk, UploadChunkReceiver } from '../upload-chunk-receiver';
import { UploadCompletion } from '../upload-completion';
import { UploadQuota } from '../upload-quota';
import { toUploadView } from '../upload-view';
import { CreateUploadCommand, UploadOutcome } from './upload.commands';

@CommandHandler(CreateUploadCommand)
export class CreateUploadHandler implements ICommandHandler<CreateUploadCommand, UploadOutcome> {
  constructor(
    @Inject(UPLOAD_SESSION_REPOSITORY) private readonly sessions: UploadSessionRepository,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly ingestion: FileIngestion,
    private readonly receiver: UploadChunkReceiver,
    private readonly completion: UploadCompletion,
    private readonly direct: DirectUpload,
    private readonly quota: UploadQuota,
    @Inject(UPLOAD_STAGING) private readonly staging: UploadStaging,
  ) {}

  async execute({ actor, request }: CreateUploadCommand): Promise<UploadOutcome> {
    const target = UploadTarget.of(request.target);
    if (target.providerPreference && !this.ingestion.knowsProvider(target.providerPreference)) {
      throw new UnknownStorageProviderError(target.providerPreference);
    }
    const base = {
      id: this.ids.next(), ownerId: actor.userId, maxLength: this.settings.maxSize, target,
      clientMetadata: request.clientMetadata, now: this.clock.now(), ttlMs: this.settings.ttlMs,
    };
    if (request.concat.kind === 'final') return this.concatenate(base, request.concat.partIds);

    const props: StartUploadProps = { ...base, length: request.length, partial: request.concat.kind === 'partial' };
    const session = UploadSession.start(props); // validates the length before any byte is read
    const chunk = request.firstChunk;
    if (chunk && this.direct.applies(props, chunk)) return this.direct.upload(props, chunk);
    await this.quota.assertRoomFor(actor.userId, request.length);
    await this.sessions.save(session);
    if (chunk) return this.receiveFirst(session, chunk);
    // A zero-length upload has all its bytes the moment it exists.
    if (session.awaitsCompletion) return { upload: toUploadView(session), file: await this.completion.complete(session) };
    return { upload: toUploadView(session) };
  }

  /**
   * creation-with-upload. A client whose creation request fails never learns the upload's URL, so
   * an upload left behind by a refused or broken first chunk could never be resumed: it is ended
   * at once rather than holding quota until it expires.
   */
  private async receiveFirst(session: UploadSession, chunk: IncomingChunk): Promise<UploadOutcome> {
    let received: ReceivedChunk;
    try {
      received = await this.receiver.receive(session, 0, chunk);
    } catch (error) {
      await this.abandon(session);
      throw error;
    }
    if (received.interrupted) await this.abandon(session);
    return { upload: toUploadView(session), ...received };
  }

  private async abandon(session: UploadSession): Promise<void> {
    if (!session.isActive) return;
    session.abort('the creation request failed before the client learnt the upload', this.clock.now());
    await this.sessions.save(session).catch(() => undefined); // else it expires like any idle upload
    await this.staging.remove(session.id).catch(() => undefined);
  }

  private async concatenate(base: Omit<StartUploadProps, 'length' | 'partial'>, partIds: string[]): Promise<UploadOutcome> {
    const parts = await this.sessions.findByIds(partIds);
    const missing = partIds.find((id) => !parts.some((p) => p.id === id));
    if (missing) throw new UploadNotFoundError(missing);
    const session = UploadSession.concatenate({ ...base, parts });
    await this.sessions.save(session);
    const file = await this.completion.complete(session);
    return { upload: toUploadView(session), file };
  }
}

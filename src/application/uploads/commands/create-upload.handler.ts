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
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, UPLOAD_SETTINGS, UploadSettings } from '../../ports';
import { DirectUpload } from '../direct-upload';
import { UploadChunkReceiver } from '../upload-chunk-receiver';
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
    if (chunk) return { upload: toUploadView(session), ...(await this.receiver.receive(session, 0, chunk)) };
    // A zero-length upload has all its bytes the moment it exists.
    if (session.awaitsCompletion) return { upload: toUploadView(session), file: await this.completion.complete(session) };
    return { upload: toUploadView(session) };
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

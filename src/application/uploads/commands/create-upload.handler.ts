import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnknownStorageProviderError } from '../../../domain/storage';
import { StartUploadProps, UploadSession, UploadTarget } from '../../../domain/uploads';
import { FileIngestion } from '../../files/file-ingestion';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator, UPLOAD_SETTINGS, UploadSettings } from '../../ports';
import { DirectUpload } from '../direct-upload';
import { UploadQuota } from '../upload-quota';
import { UploadStart } from '../upload-start';
import { CreateUploadCommand } from './create-upload.command';
import { UploadOutcome } from './upload-outcome';

/**
 * tus creation: what the upload becomes is validated before any byte is read; then a whole small
 * file goes straight to its provider, anything else is staged, and a final upload is put together
 * from its parts.
 */
@CommandHandler(CreateUploadCommand)
export class CreateUploadHandler implements ICommandHandler<CreateUploadCommand, UploadOutcome> {
  constructor(
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    private readonly ingestion: FileIngestion,
    private readonly direct: DirectUpload,
    private readonly quota: UploadQuota,
    private readonly starter: UploadStart,
  ) {}

  async execute({ actor, request }: CreateUploadCommand): Promise<UploadOutcome> {
    const target = UploadTarget.of(request.target);
    if (target.providerPreference && !this.ingestion.knowsProvider(target.providerPreference)) {
      throw new UnknownStorageProviderError(target.providerPreference);
    }
    const base = {
      id: this.ids.next(),
      ownerId: actor.userId,
      maxLength: this.settings.maxSize,
      target,
      clientMetadata: request.clientMetadata,
      now: this.clock.now(),
      ttlMs: this.settings.ttlMs,
    };
    if (request.concat.kind === 'final') return this.starter.concatenate(base, request.concat.partIds);

    const props: StartUploadProps = { ...base, length: request.length, partial: request.concat.kind === 'partial' };
    const session = UploadSession.start(props); // validates the length before any byte is read
    const chunk = request.firstChunk;
    if (chunk && this.direct.applies(props, chunk)) return this.direct.upload(props, chunk);
    await this.quota.assertRoomFor(actor.userId, request.length);
    return this.starter.start(session, chunk);
  }
}

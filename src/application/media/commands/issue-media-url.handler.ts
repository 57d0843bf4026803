import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository } from '../../../domain/files';
import { ValidationError } from '../../../domain/shared';
import { loadAccessibleFile } from '../../files/file-access';
import { CLOCK, Clock } from '../../ports';
import { MEDIA_URL_SETTINGS, MEDIA_URL_SIGNER, MediaUrlSettings, MediaUrlSigner } from '../ports';
import { IssueMediaUrlCommand, IssuedMediaUrl } from './issue-media-url.command';

@CommandHandler(IssueMediaUrlCommand)
export class IssueMediaUrlHandler implements ICommandHandler<IssueMediaUrlCommand, IssuedMediaUrl> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(MEDIA_URL_SIGNER) private readonly signer: MediaUrlSigner,
    @Inject(MEDIA_URL_SETTINGS) private readonly settings: MediaUrlSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, fileId, request }: IssueMediaUrlCommand): Promise<IssuedMediaUrl> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    const ttl = request.expiresInSeconds ?? this.settings.ttlSeconds;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > this.settings.maxTtlSeconds) {
      const message = `must be a whole number of seconds from 1 to ${this.settings.maxTtlSeconds}`;
      throw new ValidationError(`expiresIn ${message}.`, { fieldErrors: [{ field: 'expiresIn', message }] });
    }
    const variant = request.variant ?? 'content';
    if (variant !== 'content' && request.disposition) {
      const message = 'applies to the content only (thumbnails are served inline)';
      throw new ValidationError(`disposition ${message}.`, { fieldErrors: [{ field: 'disposition', message }] });
    }
    const expiresAt = Math.floor(this.clock.now().getTime() / 1000) + ttl;
    const signed = this.signer.sign({
      fileId: file.id,
      fileVersion: file.version,
      userId: actor.userId,
      // An admin's URL for their own file is an owner's URL: it does not outlive their ownership.
      scope: file.isOwnedBy(actor.userId) ? 'owner' : 'admin',
      variant,
      disposition: variant === 'content' ? (request.disposition ?? 'inline') : 'inline',
      expiresAt,
    });
    return { signed, expiresAt: new Date(expiresAt * 1000) };
  }
}

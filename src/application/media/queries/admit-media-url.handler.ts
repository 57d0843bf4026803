import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Actor, Role } from '../../../domain/auth/role';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository } from '../../../domain/files';
import { loadAccessibleFile } from '../../files/file-access';
import { CLOCK, Clock } from '../../ports';
import { MEDIA_URL_SIGNER, MediaUrlSigner } from '../ports';
import { SignedUrlExpiredError, SignedUrlInvalidError, SignedUrlOutdatedError } from '../signed-url.errors';
import { AdmitMediaUrlQuery, MediaGrant } from './admit-media-url.query';

/**
 * The signature first: until it holds, nothing is looked up, so a forged URL learns nothing. Then
 * the file as the signer would see it: another user's file is "not found", as on the token routes.
 */
@QueryHandler(AdmitMediaUrlQuery)
export class AdmitMediaUrlHandler implements IQueryHandler<AdmitMediaUrlQuery, MediaGrant> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(MEDIA_URL_SIGNER) private readonly signer: MediaUrlSigner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ url }: AdmitMediaUrlQuery): Promise<MediaGrant> {
    const { claims } = url;
    const check = this.signer.check(url, this.clock.now());
    if (check === 'invalid') throw new SignedUrlInvalidError();
    const expiresAt = new Date(claims.expiresAt * 1000);
    if (check === 'expired') throw new SignedUrlExpiredError(expiresAt);
    const actor: Actor = { userId: claims.userId, roles: [claims.scope === 'admin' ? Role.Admin : Role.User] };
    const file = await loadAccessibleFile(this.files, actor, claims.fileId);
    if (file.isDeleted) throw new FileNotFoundError(claims.fileId);
    if (file.version !== claims.fileVersion) throw new SignedUrlOutdatedError();
    return { actor, fileId: file.id, variant: claims.variant, disposition: claims.disposition, expiresAt };
  }
}

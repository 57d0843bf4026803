import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { RenditionKind } from '../../../domain/media';
import { ByteBody } from '../../../domain/storage';

export interface ThumbnailContent {
  fileId: string;
  kind: RenditionKind;
  contentType: string;
  width: number;
  height: number;
  size: number;
  sha256: string;
  createdAt: Date;
  /** Opened lazily, so a 304 never touches the provider. */
  open(): Promise<ByteBody>;
}

export class GetThumbnailQuery extends Query<ThumbnailContent> {
  constructor(
    readonly actor: Actor,
    readonly fileId: string,
    readonly kind: RenditionKind,
  ) {
    super();
  }
}

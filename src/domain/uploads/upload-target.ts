import { FileHash, FileMetadata, FileMetadataProps, FileType } from '../files';

export interface UploadTargetProps {
  metadata: FileMetadataProps;
  mimeType?: string;
  category?: string;
  /** SHA-256 the finished file must have (hex), if the client declared one. */
  expectedSha256?: string;
  providerPreference?: string;
}

/**
 * What the finished upload becomes: the file's metadata, type, the provider asked for and the
 * SHA-256 promised. Validated when the upload is created, so a bad name or hash is refused before
 * any byte is sent, not after the last one.
 */
export class UploadTarget {
  private constructor(
    readonly metadata: FileMetadata,
    readonly type: FileType,
    readonly expectedSha256: FileHash | null,
    readonly providerPreference: string | null,
    private readonly explicitCategory: string | undefined,
  ) {}

  static of(props: UploadTargetProps): UploadTarget {
    return new UploadTarget(
      FileMetadata.of(props.metadata),
      FileType.of(props.mimeType, props.category),
      props.expectedSha256 ? FileHash.parse(props.expectedSha256) : null,
      props.providerPreference?.trim() || null,
      props.category,
    );
  }

  toProps(): UploadTargetProps {
    return {
      metadata: this.metadata.toProps(),
      mimeType: this.type.mimeType,
      ...(this.explicitCategory !== undefined ? { category: this.explicitCategory } : {}),
      ...(this.expectedSha256 ? { expectedSha256: this.expectedSha256.hex } : {}),
      ...(this.providerPreference ? { providerPreference: this.providerPreference } : {}),
    };
  }
}

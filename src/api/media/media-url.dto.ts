import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, Min } from 'class-validator';
import { Omittable } from '../validation/dto-rules';
import { MediaDisposition } from '../../application/media';
import { RENDITION_KINDS, RenditionKind } from '../../domain/media';

const DISPOSITIONS: readonly MediaDisposition[] = ['inline', 'attachment'];

export class CreateMediaUrlRequest {
  @ApiPropertyOptional({
    enum: DISPOSITIONS,
    enumName: 'MediaDisposition',
    default: 'inline',
    description:
      'For the content only: inline (for <img>, <video>, <audio>; types a browser cannot show safely still download) or attachment.',
  })
  @Omittable()
  @IsIn(DISPOSITIONS)
  disposition?: MediaDisposition;

  @ApiPropertyOptional({
    description: 'Seconds until the URL expires: default MEDIA_URL_TTL_S (3600), at most MEDIA_URL_MAX_TTL_S (7 days).',
    minimum: 1,
    example: 3600,
  })
  @Omittable()
  @IsInt()
  @Min(1)
  expiresIn?: number;

  @ApiPropertyOptional({
    enum: RENDITION_KINDS,
    enumName: 'ThumbnailSize',
    description: "A URL for the file's thumbnail (≤ 256 px) or preview (≤ 1440 px) instead of its content.",
  })
  @Omittable()
  @IsIn(RENDITION_KINDS)
  thumbnail?: RenditionKind;
}

export class MediaUrlResponse {
  @ApiProperty({
    format: 'uri',
    description:
      'Absolute; needs no token. Valid until expiresAt, while the file is unchanged (an edit, a rename or a move ends it) and yours (or signed by an admin).',
    example:
      'https://files.example.com/api/v1/media/files/0196f000-0000-7000-8000-000000000001/content?user=alice&scope=owner&version=1&disposition=inline&expires=1767225600&kid=k1&sig=3q2-…',
  })
  url!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../validation/dto-rules';
import {
  MAX_WEBHOOK_SECRET_LENGTH,
  MAX_WEBHOOK_URL_LENGTH,
  MIN_WEBHOOK_SECRET_LENGTH,
  WEBHOOK_EVENT_TYPES,
} from '../../domain/webhooks';

// Shapes only; what a URL, an event type or a secret may be is the domain's rule (field errors alike).

export class CreateWebhookRequest {
  @ApiProperty({
    format: 'uri',
    example: 'https://example.com/hooks/flexstorage',
    description:
      'https (http only where the deployment allows it); no credentials; must not point at a private address.',
  })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH + 1)
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    minItems: 1,
    example: ['file.uploaded', 'file.deleted'],
  })
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 2)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  events!: string[];

  @ApiPropertyOptional({
    minLength: MIN_WEBHOOK_SECRET_LENGTH,
    maxLength: MAX_WEBHOOK_SECRET_LENGTH,
    description: 'Your own signing secret; one is generated when left out.',
  })
  @Omittable()
  @IsString()
  @MaxLength(MAX_WEBHOOK_SECRET_LENGTH + 1)
  secret?: string;
}

export class UpdateWebhookRequest {
  @ApiPropertyOptional({ format: 'uri', example: 'https://example.com/hooks/v2' })
  @Omittable()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH + 1)
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 2)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  events?: string[];

  @ApiPropertyOptional({ description: 'An inactive endpoint is sent nothing but pings.' })
  @Omittable()
  @IsBoolean()
  active?: boolean;
}

export class RotateWebhookSecretRequest {
  @ApiPropertyOptional({
    minLength: MIN_WEBHOOK_SECRET_LENGTH,
    maxLength: MAX_WEBHOOK_SECRET_LENGTH,
    description: 'Your own new signing secret; one is generated when left out.',
  })
  @Omittable()
  @IsString()
  @MaxLength(MAX_WEBHOOK_SECRET_LENGTH + 1)
  secret?: string;
}

export class ListDeliveriesRequest {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 20 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(200) cursor?: string;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true }) events!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({ description: 'The signing secret. Shown this once: keep it; it is never returned again.' })
  secret!: string;
}

export class RotatedWebhookSecretResponse extends CreatedWebhookResponse {
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description:
      'Until then deliveries carry a signature with the replaced secret too (`v1=<new>,v1=<old>`); null when they do not (no grace period configured).',
  })
  previousSecretExpiresAt!: string | null;
}

export class PingResponse {
  @ApiProperty({ format: 'uuid', description: "The ping event's id; its attempts appear in the delivery log." })
  eventId!: string;
}

export class DeliveryAttemptResponse {
  @ApiProperty({ format: 'uuid', description: 'Sent as X-FlexStorage-Delivery.' }) id!: string;
  @ApiProperty({ format: 'uuid', description: "The event's id (the body's `id`), the same on every attempt." })
  eventId!: string;
  @ApiProperty({ example: 'file.uploaded' }) eventType!: string;
  @ApiProperty({ description: '1 for the first try.' }) attempt!: number;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) responseStatus!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 4 KiB of the answer.' }) responseExcerpt!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs!: number | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class DeliveryAttemptPageResponse {
  @ApiProperty({ type: [DeliveryAttemptResponse] }) items!: DeliveryAttemptResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next (older) page.' })
  nextCursor!: string | null;
}

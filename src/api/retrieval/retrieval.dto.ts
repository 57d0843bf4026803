import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Omittable } from '../validation/dto-rules';
import { MAX_RESTORE_DAYS, RetrievalStatus } from '../../domain/retrieval';
import { RetrievalTier } from '../../domain/storage';

const TIERS: RetrievalTier[] = ['expedited', 'standard', 'bulk'];

export class RequestRetrievalBody {
  @ApiProperty({
    enum: TIERS,
    enumName: 'RetrievalTier',
    description: 'Which tiers a file offers depends on its storage class (Deep Archive: standard, bulk).',
  })
  @IsIn(TIERS)
  tier!: RetrievalTier;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_RESTORE_DAYS,
    description:
      'Days the restored copy stays downloadable (default from RETRIEVAL_DAYS; vaults keep job output 24 h).',
  })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_RESTORE_DAYS)
  days?: number;
}

export class RetrievalResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) fileId!: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({ enum: TIERS, enumName: 'RetrievalTier' }) tier!: string;
  @ApiProperty({ enum: RetrievalStatus, enumName: 'RetrievalStatus' }) status!: string;
  @ApiProperty() providerId!: string;
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'When the restore is expected to be ready (typical for the tier).' })
  estimatedReadyAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'Downloads work until then.' })
  availableUntil!: string | null;
  @ApiProperty({ nullable: true, type: String }) failureReason!: string | null;
  @ApiProperty({ description: 'How often the provider was asked so far.' }) checks!: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastCheckedAt!: string | null;
  @ApiProperty({ description: 'This request joined a restore already under way for the file.' }) shared!: boolean;
}

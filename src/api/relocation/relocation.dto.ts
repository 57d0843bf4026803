import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, Matches } from 'class-validator';
import { Omittable } from '../validation/dto-rules';
import { RetrievalTier } from '../../domain/storage';

const TIERS: RetrievalTier[] = ['expedited', 'standard', 'bulk'];
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export class RequestRelocationBody {
  @ApiProperty({
    example: 's3-deep-archive',
    description: 'The enabled storage provider the file moves to (an archive class archives it).',
  })
  @IsString()
  @Matches(PROVIDER_ID, { message: 'provider must be a provider id' })
  provider!: string;

  @ApiPropertyOptional({
    enum: TIERS,
    enumName: 'RetrievalTier',
    description: 'For a file in archive storage: the restore tier used to get its bytes out first (default standard).',
  })
  @Omittable()
  @IsIn(TIERS)
  tier?: RetrievalTier;
}

export class RelocationResponse {
  @ApiProperty({
    example: 'relocation.relocate-0196…-3f9c1e0a2b7d4c85',
    description: 'Follow GET /api/v1/jobs/{jobId} (also the Location header).',
  })
  jobId!: string;
  @ApiProperty({ format: 'uuid' }) fileId!: string;
  @ApiProperty() fromProviderId!: string;
  @ApiProperty() toProviderId!: string;
  @ApiProperty({
    enum: TIERS,
    enumName: 'RetrievalTier',
    nullable: true,
    description: 'Set when the file is archived: it is restored at this tier first.',
  })
  retrievalTier!: string | null;
}

export class RequestProviderRelocationBody {
  @ApiProperty({ example: 'glacier-vault', description: 'Every live file whose bytes are here moves.' })
  @IsString()
  @Matches(PROVIDER_ID, { message: 'from must be a provider id' })
  from!: string;

  @ApiProperty({ example: 's3-deep-archive' })
  @IsString()
  @Matches(PROVIDER_ID, { message: 'to must be a provider id' })
  to!: string;

  @ApiPropertyOptional({
    enum: TIERS,
    enumName: 'RetrievalTier',
    description: 'Restore tier for archived files (default standard; bulk is the cheapest).',
  })
  @Omittable()
  @IsIn(TIERS)
  tier?: RetrievalTier;
}

export class ProviderRelocationResponse {
  @ApiProperty({
    example: 'relocation.relocate-provider-…',
    description: 'The job that queues one move per file; each file move is a job of its own.',
  })
  jobId!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProviderPackageResponse {
  @ApiPropertyOptional({ example: '@acme/flexstorage-sftp', description: 'From its package.json' }) name?: string;
  @ApiPropertyOptional({ example: '1.2.0' }) version?: string;
  @ApiProperty({ example: '@acme/flexstorage-sftp', description: 'The entry as STORAGE_PLUGINS lists it' })
  listedAs!: string;
}

export class ProviderCapabilitiesResponse {
  @ApiProperty({ description: 'Content can be read right away' }) instantAccess!: boolean;
  @ApiProperty() rangeReads!: boolean;
  @ApiProperty({ description: 'A retrieval must be requested before content can be read' })
  retrievalRequired!: boolean;
  @ApiProperty({ enum: ['expedited', 'standard', 'bulk'], enumName: 'RetrievalTier', isArray: true })
  retrievalTiers!: string[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    description: 'Typical longest wait per tier, in minutes',
  })
  retrievalMinutes?: Record<string, number>;
  @ApiProperty({ nullable: true, type: Number, description: 'Largest object in bytes; null for no own limit' })
  maxObjectSize!: number | null;
  @ApiProperty({ enum: ['immediate', 'minimum-retention'] }) deletion!: string;
  @ApiProperty() minimumStorageDays!: number;
}

export class ProviderResponse {
  @ApiProperty({ example: 'local-fs', description: 'What an upload names to choose it' }) id!: string;
  @ApiProperty({ enum: ['built-in', 'plugin'], enumName: 'ProviderKind' }) kind!: string;
  @ApiPropertyOptional({ type: ProviderPackageResponse, description: 'For plugins' })
  package?: ProviderPackageResponse;
  @ApiProperty({
    enum: ['available', 'failed'],
    enumName: 'ProviderState',
    description: 'failed: an optional plugin that could not start (shown to admins only); it is not a provider',
  })
  state!: string;
  @ApiPropertyOptional({ type: ProviderCapabilitiesResponse, description: 'Absent for a failed plugin' })
  capabilities?: ProviderCapabilitiesResponse;
  @ApiProperty({ description: 'As last checked (cached for a few seconds)' }) healthy!: boolean;
  @ApiPropertyOptional({ description: 'Why a failed plugin could not start' }) reason?: string;
}

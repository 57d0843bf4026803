import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';

/** One dependency's state; indicators add what they know (`message`, `queues`, …). */
@ApiSchema({ name: 'HealthIndicator' })
export class HealthIndicatorResponse {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' }) status!: string;
}

const indicators = (description: string) => ({
  type: 'object' as const,
  description,
  additionalProperties: { $ref: getSchemaPath(HealthIndicatorResponse) },
  example: { database: { status: 'up' } },
});

/** What terminus reports on success (a failure is a 503 problem carrying `details`). */
@ApiSchema({ name: 'HealthReport' })
export class HealthReportResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' }) status!: string;
  @ApiPropertyOptional(indicators('The dependencies that are up.')) info?: Record<string, HealthIndicatorResponse>;
  @ApiPropertyOptional(indicators('The dependencies that are down.')) error?: Record<string, HealthIndicatorResponse>;
  @ApiPropertyOptional(indicators('Every dependency.')) details?: Record<string, HealthIndicatorResponse>;
}

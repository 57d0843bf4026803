import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../validation/dto-rules';

export class JobResponse {
  @ApiProperty({ example: 'diagnostics.42', description: '`<queue>.<job id>`' }) id!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    enum: ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed', 'waiting-children', 'unknown'],
    enumName: 'JobState',
  })
  state!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress!: number;
  @ApiProperty() attemptsMade!: number;
  @ApiProperty({ description: 'Times a worker took it up (more than attemptsMade after a worker died holding it)' })
  attemptsStarted!: number;
  @ApiProperty() stalledCount!: number;
  @ApiProperty() maxAttempts!: number;
  @ApiProperty({ description: '0: none; lower runs first' }) priority!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What the job returned, once completed.',
  })
  result!: unknown;
  @ApiProperty({ nullable: true, type: String }) failedReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) finishedAt!: string | null;
}

export class CancelJobResponse {
  @ApiProperty({
    enum: ['removed', 'signalled', 'already-finished'],
    description: 'removed: it had not started; signalled: it was running and has been told to stop.',
  })
  outcome!: string;
}

export class QueueCountsResponse {
  @ApiProperty() queue!: string;
  @ApiProperty() paused!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { waiting: 0, active: 1, delayed: 3, completed: 120, failed: 2 },
  })
  counts!: Record<string, number>;
}

export class DeadLetterResponse {
  @ApiProperty({ example: 'media.17' }) id!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() name!: string;
  @ApiProperty() jobId!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The job as it was queued.' })
  data!: unknown;
  @ApiProperty() failedReason!: string;
  @ApiProperty() attemptsMade!: number;
  @ApiProperty({ format: 'date-time' }) failedAt!: string;
}

export class RetriedDeadLetterResponse {
  @ApiProperty({ example: 'media.18', description: 'The new job (`GET /jobs/{id}`).' }) retriedAs!: string;
}

export class DeadLetterPageResponse {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [DeadLetterResponse] }) items!: DeadLetterResponse[];
}

export class ListDeadLettersRequest {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 1_000_000 })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}

export class DiagnosticJobRequest {
  @ApiProperty({ enum: ['noop', 'sleep'], enumName: 'DiagnosticJobName' })
  @IsIn(['noop', 'sleep'])
  name!: 'noop' | 'sleep';
  @ApiPropertyOptional({ description: 'sleep: how long, ms', minimum: 0, maximum: 3_600_000 })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  ms?: number;
  @ApiPropertyOptional({ description: 'sleep: progress steps', minimum: 1, maximum: 100 })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(100)
  steps?: number;
  @ApiPropertyOptional({
    description: 'sleep: fail this many first attempts (to see retries and dead letters)',
    minimum: 0,
    maximum: 100,
  })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(100)
  failTimes?: number;
  @ApiPropertyOptional({ description: 'run on behalf of this user (who may then see and cancel it)' })
  @Omittable()
  @IsString()
  @MaxLength(200)
  ownerId?: string;
  @ApiPropertyOptional({
    enum: ['high', 'normal', 'low'],
    enumName: 'JobPriority',
    description: 'within its queue, high runs before normal before low',
  })
  @Omittable()
  @IsIn(['high', 'normal', 'low'])
  priority?: 'high' | 'normal' | 'low';
}

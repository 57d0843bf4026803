import { Controller, Get, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { GetStorageUsageQuery } from '../../application/files';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';

export class StorageUsageResponse {
  @ApiProperty({ description: 'Live files (completed or archived)' }) files!: number;
  @ApiProperty() bytes!: number;
  @ApiProperty({ description: 'In the trash until purged' }) trashFiles!: number;
  @ApiProperty() trashBytes!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'The last full recount (files stored since are added)',
  })
  recountedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'STORAGE_QUOTA; null: none' }) quotaBytes!: number | null;
}

@ApiTags('files')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('usage')
export class UsageController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'How much you store, and your quota' })
  @ApiOkResponse({ type: StorageUsageResponse })
  get(@CurrentActor() actor: Actor) {
    return this.queries.execute(new GetStorageUsageQuery(actor));
  }
}

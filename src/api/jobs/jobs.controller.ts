import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { JobAdministration } from '../../application/jobs';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import {
  CancelJobResponse,
  DeadLetterPageResponse,
  DiagnosticJobRequest,
  JobResponse,
  ListDeadLettersRequest,
  QueueCountsResponse,
  RetriedDeadLetterResponse,
} from './job.dto';

@ApiTags('jobs')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobAdministration) {}

  @Get(':id')
  @ApiOperation({ summary: 'A background job: state, progress, attempts, result or failure (yours; admins: all)' })
  @ApiOkResponse({ type: JobResponse })
  @ApiProblemResponses(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.get(actor, id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel a job: a waiting one is removed, a running one is told to stop' })
  @ApiOkResponse({ type: CancelJobResponse })
  @ApiProblemResponses(404)
  cancel(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.cancel(actor, id);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@UseGuards(JwtAuthGuard)
@Controller('admin')
export class JobsAdminController {
  constructor(private readonly jobs: JobAdministration) {}

  @Get('queues')
  @ApiOperation({
    operationId: 'listQueues',
    summary: 'Every queue with its job counts per state, and whether it is paused',
  })
  @ApiOkResponse({ type: [QueueCountsResponse] })
  queues(@CurrentActor() actor: Actor) {
    return this.jobs.queues(actor);
  }

  @Post('queues/:name/pause')
  @HttpCode(200)
  @ApiOperation({ operationId: 'pauseQueue', summary: 'Pause a queue (running jobs finish; no new ones start)' })
  @ApiOkResponse({ type: QueueCountsResponse })
  @ApiProblemResponses(404)
  pause(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.jobs.setPaused(actor, name, true);
  }

  @Post('queues/:name/resume')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resumeQueue', summary: 'Resume a paused queue' })
  @ApiOkResponse({ type: QueueCountsResponse })
  @ApiProblemResponses(404)
  resume(@CurrentActor() actor: Actor, @Param('name') name: string) {
    return this.jobs.setPaused(actor, name, false);
  }

  @Get('dead-letters')
  @ApiOperation({ operationId: 'listDeadLetters', summary: 'Jobs that failed their last attempt, with the reason' })
  @ApiOkResponse({ type: DeadLetterPageResponse })
  deadLetters(@CurrentActor() actor: Actor, @Query() q: ListDeadLettersRequest) {
    return this.jobs.deadLetters(actor, q.limit ?? 50, q.offset ?? 0);
  }

  @Post('dead-letters/:id/retry')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'retryDeadLetter',
    summary: 'Run a dead-lettered job again on its queue (attempts start anew)',
  })
  @ApiOkResponse({ type: RetriedDeadLetterResponse })
  @ApiProblemResponses(404)
  retry(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.jobs.retryDeadLetter(actor, id);
  }

  @Delete('dead-letters/:id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'discardDeadLetter', summary: 'Discard a dead letter' })
  @ApiNoContentResponse({ description: 'Discarded.' })
  @ApiProblemResponses(404)
  async discard(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.jobs.discardDeadLetter(actor, id);
  }

  @Post('jobs')
  @ApiOperation({
    operationId: 'enqueueDiagnosticJob',
    summary: 'Diagnostics: enqueue a no-op or a sleep job, to see workers, progress, retries and cancellation at work',
  })
  @ApiCreatedResponse({ type: JobResponse })
  diagnostic(@CurrentActor() actor: Actor, @Body() body: DiagnosticJobRequest) {
    const { name, priority, ...data } = body;
    return this.jobs.enqueueDiagnostic(actor, name, data, priority);
  }
}

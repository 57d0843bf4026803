import { Body, Controller, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequestProviderRelocationCommand, RequestRelocationCommand } from '../../application/relocation';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import {
  ProviderRelocationResponse,
  RelocationResponse,
  RequestProviderRelocationBody,
  RequestRelocationBody,
} from './relocation.dto';

@ApiTags('files')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller()
export class RelocationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('files/:id/relocations')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'relocateFile',
    summary: 'Move a file to another storage provider (e.g. into Deep Archive, or out of a legacy vault)',
    description:
      'Runs as a job: an archived file is restored first, the bytes are copied and checked against the file’s SHA-256, then the file points at the new copy and the old one is removed. The file stays downloadable from where it is until then.',
  })
  @ApiAcceptedResponse({ type: RelocationResponse, description: 'Queued; follow Location for the job.' })
  @ApiProblemResponses(400, 404, 409)
  async relocate(
    @CurrentActor() actor: Actor,
    @Param('id') fileId: string,
    @Body() body: RequestRelocationBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    const queued = await this.commands.execute(new RequestRelocationCommand(actor, fileId, body.provider, body.tier));
    res.location(`/api/v1/jobs/${queued.jobId}`);
    return queued;
  }

  @Post('admin/relocations')
  @HttpCode(202)
  @ApiTags('admin')
  @ApiOperation({
    operationId: 'relocateProvider',
    summary: 'Move every live file off a provider (admins)',
    description: 'Queues one move per file; each is a job of its own, safe to run again.',
  })
  @ApiAcceptedResponse({ type: ProviderRelocationResponse })
  @ApiProblemResponses(400, 403)
  async relocateProvider(
    @CurrentActor() actor: Actor,
    @Body() body: RequestProviderRelocationBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    const queued = await this.commands.execute(
      new RequestProviderRelocationCommand(actor, body.from, body.to, body.tier),
    );
    res.location(`/api/v1/jobs/${queued.jobId}`);
    return queued;
  }
}

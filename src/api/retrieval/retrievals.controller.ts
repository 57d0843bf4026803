import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { GetRetrievalQuery, RequestRetrievalCommand } from '../../application/retrieval';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { RequestRetrievalBody, RetrievalResponse } from './retrieval.dto';

@ApiTags('retrievals')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller()
export class RetrievalsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('files/:id/retrievals')
  @HttpCode(202)
  @ApiOperation({ summary: 'Restore an archived file (joins a restore already under way)' })
  @ApiAcceptedResponse({ type: RetrievalResponse, description: 'Accepted; follow Location for its status.' })
  @ApiProblemResponses(400, 404, 409, 503)
  async request(
    @CurrentActor() actor: Actor,
    @Param('id') fileId: string,
    @Body() body: RequestRetrievalBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { retrieval, shared } = await this.commands.execute(
      new RequestRetrievalCommand(actor, fileId, body.tier, body.days),
    );
    res.location(`/api/v1/retrievals/${retrieval.id}`);
    return { ...retrieval, shared };
  }

  @Get('retrievals/:id')
  @ApiOperation({ summary: 'Where a retrieval stands: status, estimate, until when the copy is downloadable' })
  @ApiOkResponse({ type: RetrievalResponse })
  @ApiProblemResponses(404)
  async get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return { ...(await this.queries.execute(new GetRetrievalQuery(actor, id))), shared: false };
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  DeleteWebhookCommand,
  GetWebhookQuery,
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  PingWebhookCommand,
  RegisterWebhookCommand,
  RotateWebhookSecretCommand,
  UpdateWebhookCommand,
} from '../../application/webhooks';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  DeliveryAttemptPageResponse,
  ListDeliveriesRequest,
  PingResponse,
  RotatedWebhookSecretResponse,
  RotateWebhookSecretRequest,
  UpdateWebhookRequest,
  WebhookResponse,
} from './webhook.dto';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint for your events (the signing secret is in this answer only)' })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  @ApiProblemResponses(400, 429)
  async register(
    @CurrentActor() actor: Actor,
    @Body() body: CreateWebhookRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { webhook, secret } = await this.commands.execute(
      new RegisterWebhookCommand(actor, body.url, body.events, body.secret),
    );
    res.location(`/api/v1/webhooks/${webhook.id}`);
    return { ...webhook, secret };
  }

  @Get()
  @ApiOperation({ summary: 'Your endpoints (without secrets)' })
  @ApiOkResponse({ type: [WebhookResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.queries.execute(new ListWebhooksQuery(actor));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your endpoints (without its secret)' })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiProblemResponses(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.queries.execute(new GetWebhookQuery(actor, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change an endpoint's URL, events, or whether it is active" })
  @ApiOkResponse({ type: WebhookResponse })
  @ApiProblemResponses(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateWebhookRequest) {
    return this.commands.execute(
      new UpdateWebhookCommand(actor, id, { url: body.url, events: body.events, active: body.active }),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteWebhook',
    summary: 'Delete an endpoint and its delivery log; queued deliveries to it are dropped',
  })
  @ApiNoContentResponse()
  @ApiProblemResponses(404)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(actor, id));
  }

  @Post(':id/ping')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `ping` event, signed, retried and logged like any other' })
  @ApiAcceptedResponse({ type: PingResponse })
  @ApiProblemResponses(404)
  ping(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.commands.execute(new PingWebhookCommand(actor, id));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rotateWebhookSecret',
    summary:
      'Replace the signing secret (the new one is in this answer only); the old one keeps signing for the grace period',
  })
  @ApiOkResponse({ type: RotatedWebhookSecretResponse })
  @ApiProblemResponses(400, 404, 409)
  async rotateSecret(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: RotateWebhookSecretRequest) {
    const { webhook, secret, previousSecretExpiresAt } = await this.commands.execute(
      new RotateWebhookSecretCommand(actor, id, body?.secret),
    );
    return { ...webhook, secret, previousSecretExpiresAt };
  }

  @Get(':id/deliveries')
  @ApiOperation({
    operationId: 'listWebhookDeliveries',
    summary: 'The delivery log: one entry per attempt, newest first (keyset pagination)',
  })
  @ApiOkResponse({ type: DeliveryAttemptPageResponse })
  @ApiProblemResponses(400, 404)
  deliveries(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() q: ListDeliveriesRequest) {
    return this.queries.execute(new ListWebhookDeliveriesQuery(actor, id, q.limit, q.cursor));
  }
}

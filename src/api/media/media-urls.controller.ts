import { Body, Controller, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { IssueMediaUrlCommand, IssuedMediaUrl } from '../../application/media';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { HTTP_SETTINGS, HttpSettings, publicBase } from '../http-settings';
import { ApiProblemResponses, ProblemResponse } from '../problem/api-problem-responses';
import { signedMediaUrl } from '../public-access/signed-media-url';
import { CreateMediaUrlRequest, MediaUrlResponse } from './media-url.dto';

@ApiTags('files')
@ApiBearerAuth()
@ApiExtraModels(ProblemResponse)
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('files')
export class MediaUrlsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(HTTP_SETTINGS) private readonly http: HttpSettings,
  ) {}

  @Post(':id/url')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'createMediaUrl',
    summary: 'A signed URL of the content or a thumbnail, for <img> and <video> (no token needed, expires)',
    description:
      'The URL serves the file as GET /files/{id}/content does (Range, 206, ETag, If-Range; HEAD), or its thumbnail, to anyone holding it, until it expires. It stops working when the file is edited, renamed, moved or deleted, when you no longer own it, or when the key that signed it is withdrawn (MEDIA_URL_KEYS).',
  })
  @ApiBody({
    type: CreateMediaUrlRequest,
    required: false,
    description: 'All optional; no body: inline content for MEDIA_URL_TTL_S.',
  })
  @ApiOkResponse({ type: MediaUrlResponse, description: 'The URL, and when it expires.' })
  @ApiProblemResponses(400, 404)
  async create(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: CreateMediaUrlRequest,
    @Req() req: Request,
  ): Promise<MediaUrlResponse> {
    const issued: IssuedMediaUrl = await this.commands.execute(
      new IssueMediaUrlCommand(actor, id, {
        variant: body.thumbnail ?? 'content',
        disposition: body.disposition,
        expiresInSeconds: body.expiresIn,
      }),
    );
    return {
      url: signedMediaUrl(publicBase(req, this.http), issued.signed),
      expiresAt: issued.expiresAt.toISOString(),
    };
  }
}

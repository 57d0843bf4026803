import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GetThumbnailQuery } from '../../application/media';
import { parseRenditionKind } from '../../domain/media';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { sendThumbnail } from './thumbnail-response';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { ApiProblem, ApiProblemResponses, ProblemResponse } from '../problem/api-problem-responses';

@ApiTags('files')
@ApiBearerAuth()
@ApiExtraModels(ProblemResponse)
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('files')
export class ThumbnailsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/thumbnail')
  @ApiOperation({
    operationId: 'getThumbnail',
    summary:
      "An image file's thumbnail (≤ 256 px) or preview (≤ 1440 px), as WebP; made in the background after the upload",
  })
  @ApiQuery({
    name: 'size',
    required: false,
    enum: ['thumb', 'preview'],
    enumName: 'ThumbnailSize',
    description: 'thumb (default) or preview',
  })
  @ApiOkResponse({
    description: 'The rendition (ETag: its SHA-256).',
    content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag).' })
  @ApiProblem(404, {
    code: 'thumbnail-not-ready',
    title: 'Not Found',
    detail: 'The thumbnail of file 0196… is not ready yet; try again shortly.',
    description:
      'No such file (or not yours); `thumbnail-not-ready` until it is made (poll); `thumbnail-not-available` for files that get none.',
  })
  @ApiProblem(422, {
    code: 'image-unreadable',
    title: 'Unprocessable Entity',
    detail: 'The image could not be read: Input buffer contains unsupported image format',
    description: '`image-unreadable`: the original could not be decoded (corrupt, or not what its type says).',
  })
  @ApiProblemResponses(400)
  async thumbnail(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('size') size: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const kind = parseRenditionKind(
      typeof size === 'string' ? size : size === undefined ? undefined : JSON.stringify(size),
    );
    const content = await this.queries.execute(new GetThumbnailQuery(actor, id, kind));
    await sendThumbnail(req, res, content);
  }
}

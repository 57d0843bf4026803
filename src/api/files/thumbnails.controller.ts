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
import { pipeline } from 'node:stream/promises';
import { GetThumbnailQuery } from '../../application/media';
import { parseRenditionKind } from '../../domain/media';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { matchesEtag } from './content-response';
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
    const etag = `"${content.sha256}"`;
    const headers = () => {
      res.setHeader('ETag', etag);
      // Short-lived in the client's own cache; after that a revalidation costs a 304.
      res.setHeader('Cache-Control', 'private, max-age=300');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Last-Modified', content.createdAt.toUTCString());
    };
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      headers();
      res.status(304).end();
      return;
    }
    // Opened before any header is set, so a provider refusal still answers as a plain problem.
    const body = req.method === 'HEAD' ? undefined : await content.open();
    headers();
    res.status(200).type(content.contentType).setHeader('Content-Length', String(content.size));
    res.setHeader('X-Image-Width', String(content.width));
    res.setHeader('X-Image-Height', String(content.height));
    if (!body) return void res.end();
    try {
      await pipeline(body, res);
    } catch (error) {
      if (res.destroyed && (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
      throw error;
    }
  }
}

import { applyDecorators, Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GetFileContentQuery } from '../../application/files';
import { GetThumbnailQuery } from '../../application/media';
import { RenditionKind } from '../../domain/media';
import { RetrievalRequiredError } from '../../domain/retrieval';
import { sendContent } from '../files/content-response';
import { sendThumbnail } from '../files/thumbnail-response';
import { ApiProblem, ApiProblemResponses, ProblemResponse } from '../problem/api-problem-responses';
import { CurrentGrant, PublicAccessGuard, PublicGrant, PublicRoute } from '../public-access/public-access.guard';
import { retrievalRequiredProblem } from '../retrieval/retrieval-required.problem';

/** A revalidation (a cheap 304) at least this often, so a deleted file or a withdrawn key shows soon. */
const MAX_CACHE_SECONDS = 300;

/**
 * What every signed media answer carries: embeddable by any site's <img> and <video>, and cached
 * no longer than the URL lives.
 */
function signedMediaHeaders(grant: PublicGrant): Record<string, string> {
  const left = Math.max(0, Math.floor((grant.expiresAt.getTime() - Date.now()) / 1000));
  return {
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'Cache-Control': `private, max-age=${Math.min(left, MAX_CACHE_SECONDS)}`,
  };
}

const problem = (status: number, code: string, title: string, description: string) =>
  ApiProblem(status, { code, title, detail: description, description });

/** The signed URL's parts, as POST /files/{id}/url writes them: take the URL whole, never build one. */
const signedUrlParameters = (route: 'content' | 'thumbnail') =>
  applyDecorators(
    ApiParam({ name: 'id', description: 'the file', schema: { type: 'string', format: 'uuid' } }),
    ...(route === 'thumbnail'
      ? [
          ApiQuery({
            name: 'size',
            required: false,
            enum: ['thumb', 'preview'],
            enumName: 'ThumbnailSize',
            description: 'signed (default thumb)',
          }),
        ]
      : []),
    ApiQuery({ name: 'user', description: 'who signed it' }),
    ApiQuery({ name: 'scope', enum: ['owner', 'admin'], enumName: 'MediaUrlScope', description: 'with whose rights' }),
    ApiQuery({ name: 'version', description: 'the file version signed', schema: { type: 'integer' } }),
    ...(route === 'content'
      ? [ApiQuery({ name: 'disposition', enum: ['inline', 'attachment'], enumName: 'MediaDisposition' })]
      : []),
    ApiQuery({ name: 'expires', description: 'Unix time, seconds', schema: { type: 'integer' } }),
    ApiQuery({ name: 'kid', description: 'the MEDIA_URL_KEYS key that signed it' }),
    ApiQuery({ name: 'sig', description: 'HMAC-SHA256 of all of the above, base64url' }),
  );

/** How a signed URL is refused; never a hint about another user's file. */
const refusals = () =>
  applyDecorators(
    problem(403, 'signed-url-invalid', 'Forbidden', 'The URL was altered, or the key that signed it was withdrawn.'),
    problem(404, 'file-not-found', 'Not Found', 'The file was deleted, or is no longer the signer’s.'),
    problem(410, 'signed-url-expired', 'Gone', 'Past expiresAt; `signed-url-outdated`: the file changed since.'),
  );

/** Signed content and thumbnail URLs: no token, admitted by PublicAccessGuard alone. */
@ApiTags('media')
@ApiExtraModels(ProblemResponse)
@UseGuards(PublicAccessGuard)
@Controller('media/files')
export class SignedMediaController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/content')
  @PublicRoute('content')
  @signedUrlParameters('content')
  @ApiOperation({
    operationId: 'downloadSignedFile',
    summary: 'A file, through a signed URL (POST /files/{id}/url): Range, ETag, If-Range as on /files/{id}/content',
  })
  @ApiOkResponse({
    description: 'The bytes.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 206, description: 'The requested byte range.' })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag).' })
  @refusals()
  @problem(409, 'retrieval-required', 'Retrieval Required', 'Archived, with no restored copy: as on the token route.')
  @ApiProblemResponses(416)
  async content(@CurrentGrant() grant: PublicGrant, @Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const content = await this.queries.execute(new GetFileContentQuery(grant.actor, grant.fileId));
      await sendContent(req, res, content, {
        inline: grant.disposition === 'inline',
        headers: signedMediaHeaders(grant),
      });
    } catch (error) {
      throw error instanceof RetrievalRequiredError ? retrievalRequiredProblem(error) : error;
    }
  }

  @Get(':id/thumbnail')
  @PublicRoute('thumbnail')
  @signedUrlParameters('thumbnail')
  @ApiOperation({
    operationId: 'getSignedThumbnail',
    summary: "A file's thumbnail or preview (WebP), through a signed URL (POST /files/{id}/url)",
  })
  @ApiOkResponse({
    description: 'The rendition (ETag: its SHA-256).',
    content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag).' })
  @refusals()
  async thumbnail(@CurrentGrant() grant: PublicGrant, @Req() req: Request, @Res() res: Response): Promise<void> {
    const kind = grant.variant as RenditionKind; // the thumbnail route admits only rendition grants
    const content = await this.queries.execute(new GetThumbnailQuery(grant.actor, grant.fileId, kind));
    await sendThumbnail(req, res, content, signedMediaHeaders(grant));
  }
}

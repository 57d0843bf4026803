import {
  Controller,
  Delete,
  Head,
  HttpCode,
  Inject,
  Options,
  Param,
  Patch,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { UPLOAD_SETTINGS, UploadSettings } from '../../application/ports';
import {
  AppendUploadChunkCommand,
  CreateUploadCommand,
  FinishUploadCommand,
  GetUploadQuery,
  IncomingChunk,
  TerminateUploadCommand,
  UploadOutcome,
  UploadView,
} from '../../application/uploads';
import { FileTooLargeError } from '../../domain/files';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { firstHeader } from '../http-header';
import { HTTP_SETTINGS, HttpSettings } from '../http-settings';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { ProblemException } from '../problem/problem-exception';
import {
  formatUploadMetadata,
  integerHeader,
  tusBadRequest,
  OFFSET_OCTET_STREAM,
  parseUploadChecksum,
  parseUploadConcat,
  parseUploadMetadata,
  targetFromMetadata,
} from './tus-headers';
import { TusProblemFilter } from './tus-problem.filter';
import { TusVersionGuard } from './tus-version.guard';

export const UPLOADS_PATH = '/api/v1/uploads';

const TUS_HEADER = { name: 'Tus-Resumable', required: true, description: '1.0.0' };

/**
 * The tus 1.0 resumable-upload endpoint (core + creation, creation-with-upload,
 * creation-defer-length, expiration, checksum, termination, concatenation). Headers in, headers
 * out; the work happens in the upload commands.
 */
@ApiTags('uploads (tus 1.0)')
@ApiBearerAuth()
@UseFilters(TusProblemFilter)
@Controller('uploads')
export class UploadsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(UPLOAD_SETTINGS) private readonly settings: UploadSettings,
    @Inject(HTTP_SETTINGS) private readonly http: HttpSettings,
  ) {}

  @Options()
  @HttpCode(204)
  @ApiOperation({
    summary: 'tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm (no token needed)',
  })
  discover(): void {}

  @Options(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'tus discovery on an upload URL' })
  discoverUpload(): void {}

  @Post()
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({
    summary: 'Create an upload (Upload-Length or Upload-Defer-Length: 1; a body makes it creation-with-upload)',
  })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({
    name: 'Upload-Metadata',
    required: false,
    description:
      'key base64,… — filename (or name), filetype (or contentType), sha256, tags, provider, capturedAt, description, category',
  })
  @ApiHeader({
    name: 'Upload-Concat',
    required: false,
    description: '"partial", or "final;<upload URL> <upload URL> …"',
  })
  @ApiResponse({ status: 201, description: 'Created: Location is the upload URL; Upload-Offset when a body was sent.' })
  @ApiProblemResponses(400, 401, 404, 412, 413, 415, 429, 460)
  async create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answering(req, res, async () => {
      const concat = parseUploadConcat(firstHeader(req, 'upload-concat'));
      const length = integerHeader(firstHeader(req, 'upload-length'), 'Upload-Length');
      const deferred = firstHeader(req, 'upload-defer-length');
      if (concat.kind !== 'final') {
        if (deferred !== undefined && (deferred !== '1' || length !== undefined))
          throw tusBadRequest('Upload-Defer-Length', 'Send either Upload-Length or Upload-Defer-Length: 1.');
        if (deferred === undefined && length === undefined)
          throw tusBadRequest('Upload-Length', 'Send Upload-Length, or Upload-Defer-Length: 1 to declare it later.');
      }
      if (length !== undefined && length > this.settings.maxSize) throw new FileTooLargeError(this.settings.maxSize);
      const metadata = parseUploadMetadata(firstHeader(req, 'upload-metadata'));
      const body = hasBody(req);
      if (body && !isOffsetStream(req)) throw unsupportedMediaType();
      if (body && concat.kind === 'final')
        throw tusBadRequest(
          'Upload-Concat',
          'A final upload is made of its partial uploads and takes no bytes of its own.',
        );
      const outcome = await this.commands.execute(
        new CreateUploadCommand(actor, {
          length: length ?? null,
          target: targetFromMetadata(metadata),
          clientMetadata: metadata,
          concat,
          firstChunk: body ? chunkOf(req) : undefined,
        }),
      );
      res.status(201).setHeader('Location', `${this.publicBase(req)}${UPLOADS_PATH}/${outcome.upload.id}`);
      if (body) res.setHeader('Upload-Offset', String(outcome.upload.offset));
      describeOutcome(res, outcome);
      res.end();
    });
  }

  @Head(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({
    summary: 'Where an upload stands: Upload-Offset (durable bytes), Upload-Length, Upload-Metadata, Upload-Expires',
  })
  @ApiHeader(TUS_HEADER)
  @ApiResponse({ status: 200, description: 'Upload-Offset and friends in the headers; X-File-Id once complete.' })
  @ApiProblemResponses(401, 404, 410, 412, 423)
  async head(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.answering(req, res, async () => {
      let upload = await this.queries.execute(new GetUploadQuery(actor, id));
      // Never report "all bytes here" for a file not made yet: finish it first.
      if (upload.awaitsCompletion) upload = (await this.commands.execute(new FinishUploadCommand(actor, id))).upload;
      res.setHeader('Cache-Control', 'no-store');
      if (upload.concat !== 'final' || upload.status === 'completed')
        res.setHeader('Upload-Offset', String(upload.offset));
      if (upload.length !== null) res.setHeader('Upload-Length', String(upload.length));
      else res.setHeader('Upload-Defer-Length', '1');
      if (Object.keys(upload.clientMetadata).length)
        res.setHeader('Upload-Metadata', formatUploadMetadata(upload.clientMetadata));
      if (upload.concat === 'partial') res.setHeader('Upload-Concat', 'partial');
      if (upload.concat === 'final')
        res.setHeader('Upload-Concat', `final;${upload.partIds.map((p) => `${UPLOADS_PATH}/${p}`).join(' ')}`);
      describeOutcome(res, { upload });
      res.status(200).end();
    });
  }

  @Patch(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({ summary: 'Append a chunk at Upload-Offset (Content-Type: application/offset+octet-stream)' })
  @ApiHeader(TUS_HEADER)
  @ApiHeader({
    name: 'Upload-Offset',
    required: true,
    description: 'Where this chunk starts; must equal the current offset',
  })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: 'sha1|md5|sha256 <base64 digest> of this chunk' })
  @ApiHeader({ name: 'Upload-Length', required: false, description: 'Declares a deferred length' })
  @ApiNoContentResponse({
    description: 'Stored: Upload-Offset is the new durable offset; X-File-Id when this was the last chunk.',
  })
  @ApiProblemResponses(400, 401, 403, 404, 409, 410, 412, 413, 415, 423, 460)
  async patch(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.answering(req, res, async () => {
      if (!isOffsetStream(req)) throw unsupportedMediaType();
      const offset = integerHeader(firstHeader(req, 'upload-offset'), 'Upload-Offset');
      if (offset === undefined)
        throw tusBadRequest('Upload-Offset', 'Send Upload-Offset: the offset this chunk starts at.');
      const declared = integerHeader(firstHeader(req, 'upload-length'), 'Upload-Length');
      const outcome = await this.commands.execute(
        new AppendUploadChunkCommand(actor, id, offset, chunkOf(req), declared),
      );
      res.status(204).setHeader('Upload-Offset', String(outcome.upload.offset));
      describeOutcome(res, outcome);
      res.end();
    });
  }

  @Delete(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({ summary: 'Terminate an upload: its staged bytes are removed (idempotent)' })
  @ApiHeader(TUS_HEADER)
  @ApiNoContentResponse({ description: 'Terminated.' })
  @ApiProblemResponses(401, 404, 412, 423)
  async terminate(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.answering(req, res, async () => {
      await this.commands.execute(new TerminateUploadCommand(actor, id));
      res.status(204).end();
    });
  }

  /**
   * Where clients reach this server: PUBLIC_URL when set (behind a TLS proxy or a path prefix,
   * which the request alone cannot tell), else the scheme and host the request came with.
   */
  private publicBase(req: Request): string {
    return this.http.publicUrl ?? `${req.protocol}://${req.get('host')}`;
  }

  /** A refused request whose body is still arriving is answered, then its connection closed. */
  private async answering(req: Request, res: Response, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!req.complete) res.setHeader('Connection', 'close');
      throw error;
    }
  }
}

function describeOutcome(res: Response, outcome: Pick<UploadOutcome, 'upload' | 'file'>): void {
  const upload: UploadView = outcome.upload;
  if (upload.status === 'active') res.setHeader('Upload-Expires', upload.expiresAt.toUTCString());
  const fileId = outcome.file?.file.id ?? upload.fileId;
  if (fileId) res.setHeader('X-File-Id', fileId);
}

function chunkOf(req: Request): IncomingChunk {
  const abort = new AbortController();
  req.once('close', () => {
    if (!req.complete) abort.abort(new Error('The client closed the connection mid-chunk.'));
  });
  const length = integerHeader(firstHeader(req, 'content-length'), 'Content-Length');
  return {
    body: req,
    contentLength: length,
    checksum: parseUploadChecksum(firstHeader(req, 'upload-checksum')),
    signal: abort.signal,
  };
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

function isOffsetStream(req: Request): boolean {
  return (firstHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase() === OFFSET_OCTET_STREAM;
}

function unsupportedMediaType(): ProblemException {
  return new ProblemException(
    415,
    'unsupported-media-type',
    'Unsupported Media Type',
    `Send chunks as Content-Type: ${OFFSET_OCTET_STREAM}.`,
  );
}

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
  TerminateUploadCommand,
} from '../../application/uploads';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { HTTP_SETTINGS, HttpSettings, publicBase } from '../http-settings';
import { ApiHeadProblemResponses, ApiProblemResponses } from '../problem/api-problem-responses';
import { ApiChunkBody, ApiTusResumable, ApiUploadId, tusResponseHeaders } from './tus-docs';
import { TusProblemFilter } from './tus-problem.filter';
import { readAppend, readCreation } from './tus-request';
import { describeOutcome, describeUpload, UPLOADS_PATH } from './tus-response';
import { TusVersionGuard } from './tus-version.guard';

export { UPLOADS_PATH } from './tus-response';

const DISCOVERY_HEADERS = tusResponseHeaders(
  'Tus-Version',
  'Tus-Extension',
  'Tus-Max-Size',
  'Tus-Checksum-Algorithm',
  'Tus-Resumable',
);

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
    operationId: 'discoverUploads',
    summary: 'tus discovery: Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm (no token needed)',
  })
  @ApiNoContentResponse({ description: 'What this server speaks.', headers: DISCOVERY_HEADERS })
  discover(): void {}

  @Options(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'tus discovery on an upload URL' })
  @ApiUploadId()
  @ApiNoContentResponse({ description: 'What this server speaks.', headers: DISCOVERY_HEADERS })
  discoverUpload(): void {}

  @Post()
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({
    summary: 'Create an upload (Upload-Length or Upload-Defer-Length: 1; a body makes it creation-with-upload)',
  })
  @ApiTusResumable()
  @ApiHeader({ name: 'Upload-Length', required: false, schema: { type: 'integer', minimum: 0 } })
  @ApiHeader({
    name: 'Upload-Defer-Length',
    required: false,
    description: '1: the length is declared later',
    schema: { type: 'integer', enum: [1] },
  })
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
  @ApiChunkBody(false, 'creation-with-upload: the first bytes (Content-Type: application/offset+octet-stream)')
  @ApiResponse({
    status: 201,
    description: 'Created: Location is the upload URL; Upload-Offset when a body was sent.',
    headers: tusResponseHeaders('Location', 'Upload-Offset', 'Upload-Expires', 'X-File-Id', 'Tus-Resumable'),
  })
  @ApiProblemResponses(400, 401, 404, 412, 413, 415, 429, 460)
  async create(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.answering(req, res, async () => {
      const request = readCreation(req, this.settings.maxSize);
      const outcome = await this.commands.execute(new CreateUploadCommand(actor, request));
      res.status(201).setHeader('Location', `${publicBase(req, this.http)}${UPLOADS_PATH}/${outcome.upload.id}`);
      if (request.firstChunk) res.setHeader('Upload-Offset', String(outcome.upload.offset));
      describeOutcome(res, outcome);
      res.end();
    });
  }

  @Head(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({
    operationId: 'getUploadOffset',
    summary: 'Where an upload stands: Upload-Offset (durable bytes), Upload-Length, Upload-Metadata, Upload-Expires',
  })
  @ApiTusResumable()
  @ApiResponse({
    status: 200,
    description: 'Upload-Offset and friends in the headers; X-File-Id once complete.',
    headers: tusResponseHeaders(
      'Upload-Offset',
      'Upload-Length',
      'Upload-Defer-Length',
      'Upload-Metadata',
      'Upload-Concat',
      'Upload-Expires',
      'X-File-Id',
      'Cache-Control',
      'Tus-Resumable',
    ),
  })
  @ApiHeadProblemResponses(401, 404, 410, 412, 423)
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
      describeUpload(res, upload);
      res.status(200).end();
    });
  }

  @Patch(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({
    operationId: 'appendUploadChunk',
    summary: 'Append a chunk at Upload-Offset (Content-Type: application/offset+octet-stream)',
  })
  @ApiTusResumable()
  @ApiHeader({
    name: 'Upload-Offset',
    required: true,
    description: 'Where this chunk starts; must equal the current offset',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: 'sha1|md5|sha256 <base64 digest> of this chunk' })
  @ApiHeader({
    name: 'Upload-Length',
    required: false,
    description: 'Declares a deferred length',
    schema: { type: 'integer', minimum: 0 },
  })
  @ApiChunkBody(true, 'The chunk (Content-Type: application/offset+octet-stream)')
  @ApiNoContentResponse({
    description: 'Stored: Upload-Offset is the new durable offset; X-File-Id when this was the last chunk.',
    headers: tusResponseHeaders('Upload-Offset', 'Upload-Expires', 'X-File-Id', 'Tus-Resumable'),
  })
  @ApiProblemResponses(400, 401, 403, 404, 409, 410, 412, 413, 415, 423, 460)
  async patch(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.answering(req, res, async () => {
      const { offset, chunk, declaredLength } = readAppend(req);
      const outcome = await this.commands.execute(
        new AppendUploadChunkCommand(actor, id, offset, chunk, declaredLength),
      );
      res.status(204).setHeader('Upload-Offset', String(outcome.upload.offset));
      describeOutcome(res, outcome);
      res.end();
    });
  }

  @Delete(':id')
  @UseGuards(TusVersionGuard, JwtAuthGuard)
  @ApiOperation({ summary: 'Terminate an upload: its staged bytes are removed (idempotent)' })
  @ApiTusResumable()
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

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblemResponses, ProblemResponse } from '../problem/api-problem-responses';
import type { Request, Response } from 'express';
import {
  DeleteFileCommand,
  GetFileContentQuery,
  GetFileQuery,
  ListFilesQuery,
  RestoreFileCommand,
  UpdateFileMetadataCommand,
  UploadFileCommand,
} from '../../application/files';
import { UPLOAD_POLICY, UploadPolicy } from '../../application/ports';
import { FileTooLargeError } from '../../domain/files';
import { Actor } from '../../domain/auth/role';
import { CurrentActor } from '../auth/current-actor.decorator';
import { firstHeader } from '../http-header';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { sendContent } from './content-response';
import { retrievalRequiredProblem } from '../retrieval/retrieval-required.problem';
import { RetrievalRequiredError } from '../../domain/retrieval';
import {
  FilePageResponse,
  FileResponse,
  ListFilesRequest,
  UpdateFileRequest,
  UploadFileForm,
  UploadResponse,
} from './file.dto';
import { receiveMultipart } from './multipart-upload';
import { parseUploadFields } from './upload-fields';

// Room for multipart boundaries and metadata fields on top of the largest accepted file.
const MULTIPART_OVERHEAD = 4 * 1024 * 1024;

@ApiTags('files')
@ApiBearerAuth()
@ApiExtraModels(ProblemResponse)
@ApiProblemResponses(401)
@UseGuards(JwtAuthGuard)
@Controller('files')
export class FilesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(UPLOAD_POLICY) private readonly policy: UploadPolicy,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Upload a file (streamed; 201 new, 200 duplicate)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadFileForm })
  @ApiHeader({ name: 'x-content-sha256', required: false, description: 'Expected SHA-256 of the file bytes' })
  @ApiCreatedResponse({ type: UploadResponse, description: 'Stored as a new file.' })
  @ApiOkResponse({
    type: UploadResponse,
    description: 'You already have these bytes: that file, with duplicate: true.',
  })
  @ApiProblemResponses(400, 413, 415, 503)
  async upload(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response): Promise<void> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.policy.maxFileSize + MULTIPART_OVERHEAD) {
      res.setHeader('Connection', 'close');
      throw new FileTooLargeError(this.policy.maxFileSize);
    }
    const abort = new AbortController();
    try {
      const result = await receiveMultipart(req, abort, async (part) => {
        const fields = parseUploadFields(part.fields);
        // Fields after the file part: validated before the file is recorded (bad ones keep nothing).
        const trailingMetadata = part.trailingFields.then((late) => parseUploadFields(late, ['provider', 'sha256']));
        trailingMetadata.catch(() => undefined); // awaited by the handler; unobserved if it fails first
        return this.commands.execute(
          new UploadFileCommand(
            actor,
            part.stream,
            { ...fields.metadata, name: fields.metadata.name ?? part.filename ?? '' },
            fields.mimeType ?? part.mimeType,
            {
              category: fields.category,
              expectedSha256: firstHeader(req, 'x-content-sha256') ?? fields.sha256,
              sizeHint: Number.isFinite(declared) ? declared : undefined,
              providerPreference: fields.provider,
              signal: abort.signal,
              trailingMetadata,
            },
          ),
        );
      });
      const { file, duplicate } = result;
      res
        .status(duplicate ? 200 : 201)
        .location(`/api/v1/files/${file.id}`)
        .json({ ...file, duplicate });
    } catch (error) {
      // Stop reading an upload we refused; the client gets the answer and the connection closes.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw error;
    }
  }

  @Get()
  @ApiOperation({ summary: 'List your files, newest first (keyset pagination)' })
  @ApiOkResponse({ type: FilePageResponse })
  @ApiProblemResponses(400)
  list(@CurrentActor() actor: Actor, @Query() q: ListFilesRequest) {
    return this.queries.execute(
      new ListFilesQuery(
        actor,
        {
          mimeType: q.type,
          category: q.category,
          tag: q.tag,
          status: q.status,
          createdFrom: q.createdFrom,
          createdTo: q.createdTo,
          nameContains: q.name,
          allOwners: q.all,
        },
        q.limit,
        q.cursor,
      ),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: "A file's metadata" })
  @ApiOkResponse({ type: FileResponse })
  @ApiProblemResponses(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.queries.execute(new GetFileQuery(actor, id));
  }

  @Get(':id/content')
  @ApiOperation({ operationId: 'downloadFile', summary: 'Download the bytes (Range, ETag/If-None-Match supported)' })
  @ApiOkResponse({
    description: 'The bytes.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({
    status: 206,
    description: 'The requested byte range.',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiResponse({ status: 304, description: 'Not modified (If-None-Match matched the ETag).' })
  @ApiProblemResponses(404, 409, 416)
  async content(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query('inline') inline: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    try {
      const content = await this.queries.execute(new GetFileContentQuery(actor, id));
      await sendContent(req, res, content, { inline: inline === 'true' || inline === '1' });
    } catch (error) {
      throw error instanceof RetrievalRequiredError ? retrievalRequiredProblem(error) : error;
    }
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit metadata' })
  @ApiOkResponse({ type: FileResponse })
  @ApiProblemResponses(400, 404, 409)
  @ApiBody({
    type: UpdateFileRequest,
    description: 'Only the fields you send change; null clears an optional one.',
    examples: {
      tags: { summary: 'Replace the tags', value: { tags: ['holiday', 'beach'] } },
      rename: { summary: 'Rename', value: { name: 'sunset.jpg' } },
      link: { summary: 'Link to an entity of your app', value: { entityType: 'order', entityId: '42' } },
      clear: { summary: 'Clear the description', value: { description: null } },
    },
  })
  update(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: UpdateFileRequest) {
    return this.commands.execute(new UpdateFileMetadataCommand(actor, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteFile', summary: 'Soft-delete (restorable until the retention period ends)' })
  @ApiNoContentResponse({ description: 'Deleted (also when it already was).' })
  @ApiProblemResponses(404)
  async remove(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<void> {
    await this.commands.execute(new DeleteFileCommand(actor, id));
  }

  @Post(':id/restore')
  @HttpCode(200)
  @ApiOperation({ summary: 'Undo a soft delete' })
  @ApiOkResponse({ type: FileResponse })
  @ApiProblemResponses(404, 409)
  restore(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.commands.execute(new RestoreFileCommand(actor, id));
  }
}

import { Command } from '@nestjs/cqrs';
import { UploadTargetProps } from '../../../domain/uploads';
import { Actor } from '../../../domain/auth/role';
import { UploadFileResult } from '../../files/commands/upload-file.command';
import { IncomingChunk } from '../upload-chunk-receiver';
import { UploadView } from '../upload-view';

export interface UploadOutcome {
  upload: UploadView;
  /** The file the upload became, once complete. */
  file?: UploadFileResult;
  /** The request broke off part-way; `upload.offset` shows what was kept. */
  interrupted?: unknown;
}

export type RequestedConcat = { kind: 'none' } | { kind: 'partial' } | { kind: 'final'; partIds: string[] };

/** tus creation (with creation-with-upload, creation-defer-length and concatenation). */
export class CreateUploadCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly request: {
      /** Null: deferred (Upload-Defer-Length). Ignored for a final concatenation. */
      length: number | null;
      target: UploadTargetProps;
      clientMetadata: Record<string, string | null>;
      concat: RequestedConcat;
      /** creation-with-upload: the body of the creation request. */
      firstChunk?: IncomingChunk;
    },
  ) {
    super();
  }
}

/** tus PATCH: a chunk at `offset`, optionally declaring a deferred length. */
export class AppendUploadChunkCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
    readonly offset: number,
    readonly chunk: IncomingChunk,
    readonly declaredLength?: number,
  ) {
    super();
  }
}

/** tus termination: the upload ends and its staged bytes go. Idempotent. */
export class TerminateUploadCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

/** Finishes an upload whose every byte is staged but whose completion was cut short. */
export class FinishUploadCommand extends Command<UploadOutcome> {
  constructor(
    readonly actor: Actor,
    readonly uploadId: string,
  ) {
    super();
  }
}

/** Housekeeping: expire idle uploads, finish stranded ones, forget long-ended ones. */
export class SweepUploadsCommand extends Command<{ expired: number; finished: number; purged: number }> {
  constructor(readonly batchSize = 200) {
    super();
  }
}

import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { UploadTargetProps } from '../../../domain/uploads';
import { IncomingChunk } from '../upload-chunk-receiver';
import { UploadOutcome } from './upload-outcome';

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

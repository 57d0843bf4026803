// Longer than 250 lines on purpose: one aggregate holding every tus rule (offsets, deferred length,
// concatenation, expiry) with the state they guard; errors and events already live beside it.
import { AggregateRoot, InvalidStateTransitionError, unstorableTextReason } from '../shared';
import { FileTooLargeError } from '../files';
import {
  UploadSessionAborted,
  UploadSessionCompleted,
  UploadSessionExpired,
  UploadSessionStarted,
} from './upload-session.events';
import {
  invalidUpload,
  UploadGoneError,
  UploadLengthExceededError,
  UploadNotFoundError,
  UploadNotWritableError,
  UploadOffsetMismatchError,
} from './upload-session.errors';
import { UploadSessionStatus } from './upload-session-status';
import { UploadTarget } from './upload-target';

/** How an upload takes part in concatenation (tus `Upload-Concat`). */
export type UploadConcat = { kind: 'none' } | { kind: 'partial' } | { kind: 'final'; partIds: readonly string[] };

export interface UploadSessionState {
  id: string;
  ownerId: string;
  status: UploadSessionStatus;
  /** Declared length in bytes; null while deferred. */
  length: number | null;
  /** Bytes durably staged; a chunk must start exactly here. */
  offset: number;
  /** The largest length this upload may declare (the limit when it was created). */
  maxLength: number;
  target: UploadTarget;
  /** The client's Upload-Metadata as sent (keys with their decoded values, null for a bare key). */
  clientMetadata: Readonly<Record<string, string | null>>;
  concat: UploadConcat;
  fileId: string | null;
  endReason: string | null;
  /** How long the upload lives without progress (fixed when it was created). */
  ttlMs: number;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface StartUploadProps {
  id: string;
  ownerId: string;
  length: number | null;
  maxLength: number;
  target: UploadTarget;
  clientMetadata?: Record<string, string | null>;
  partial?: boolean;
  now: Date;
  /** How long an upload lives without progress. */
  ttlMs: number;
}

/**
 * A resumable upload: bytes arrive in chunks, each starting where the last durable one ended,
 * until the declared length is reached and the upload becomes a File. Every progress moves the
 * expiry forward, so an upload dies only after a whole period without a byte.
 */
export class UploadSession extends AggregateRoot {
  private constructor(
    private state: UploadSessionState,
    version: number,
  ) {
    super(state.id, version);
  }

  static start(props: StartUploadProps): UploadSession {
    if (props.length !== null) assertLength(props.length, props.maxLength);
    const concat: UploadConcat = props.partial ? { kind: 'partial' } : { kind: 'none' };
    return UploadSession.begin(props, props.length, concat);
  }

  /**
   * A final upload made of finished partial uploads of the same owner, in the order given. Its
   * length is their sum; it takes no bytes of its own.
   */
  static concatenate(
    props: Omit<StartUploadProps, 'length' | 'partial'> & { parts: readonly UploadSession[] },
  ): UploadSession {
    if (props.parts.length === 0)
      throw invalidUpload(
        'Upload-Concat',
        'A final upload needs at least one partial upload.',
        'invalid-concatenation',
      );
    if (new Set(props.parts.map((p) => p.id)).size !== props.parts.length) {
      throw invalidUpload(
        'Upload-Concat',
        'A partial upload may appear only once in a final upload.',
        'invalid-concatenation',
      );
    }
    let length = 0;
    for (const part of props.parts) {
      // Someone else's upload is as good as missing: its existence is not confirmed.
      if (part.ownerId !== props.ownerId) throw new UploadNotFoundError(part.id);
      part.assertUsableAsPart(props.now);
      length += part.length!;
    }
    assertLength(length, props.maxLength);
    return UploadSession.begin(props, length, { kind: 'final', partIds: props.parts.map((p) => p.id) });
  }

  static reconstitute(state: UploadSessionState, version: number): UploadSession {
    return new UploadSession({ ...state }, version);
  }

  private static begin(
    props: Omit<StartUploadProps, 'length' | 'partial'>,
    length: number | null,
    concat: UploadConcat,
  ): UploadSession {
    const clientMetadata = storableMetadata(props.clientMetadata ?? {});
    const session = new UploadSession(
      {
        id: props.id,
        ownerId: props.ownerId,
        status: UploadSessionStatus.Active,
        length,
        offset: 0,
        maxLength: props.maxLength,
        target: props.target,
        clientMetadata,
        concat,
        fileId: null,
        endReason: null,
        ttlMs: props.ttlMs,
        expiresAt: new Date(props.now.getTime() + props.ttlMs),
        createdAt: props.now,
        updatedAt: props.now,
      },
      0,
    );
    session.record(
      new UploadSessionStarted(
        session.id,
        { ownerId: props.ownerId, length, concat: concat.kind },
        props.now.toISOString(),
      ),
    );
    return session;
  }

  get ownerId(): string {
    return this.state.ownerId;
  }
  get status(): UploadSessionStatus {
    return this.state.status;
  }
  get length(): number | null {
    return this.state.length;
  }
  get offset(): number {
    return this.state.offset;
  }
  get maxLength(): number {
    return this.state.maxLength;
  }
  get target(): UploadTarget {
    return this.state.target;
  }
  get clientMetadata(): Readonly<Record<string, string | null>> {
    return this.state.clientMetadata;
  }
  get concat(): UploadConcat {
    return this.state.concat;
  }
  get fileId(): string | null {
    return this.state.fileId;
  }
  get endReason(): string | null {
    return this.state.endReason;
  }
  get expiresAt(): Date {
    return this.state.expiresAt;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }
  get isActive(): boolean {
    return this.state.status === UploadSessionStatus.Active;
  }

  /** Every declared byte is staged. */
  get hasAllBytes(): boolean {
    return this.state.length !== null && this.state.offset === this.state.length;
  }

  /**
   * Still active although nothing more will arrive: every byte is staged (or, for a final upload,
   * its parts are) but the file is not made yet. A partial upload waits for its final instead.
   */
  get awaitsCompletion(): boolean {
    if (!this.isActive) return false;
    return this.state.concat.kind === 'final' || (this.state.concat.kind === 'none' && this.hasAllBytes);
  }

  isOwnedBy(userId: string): boolean {
    return this.state.ownerId === userId;
  }

  /**
   * Idle past its expiry. An upload that holds every byte does not expire: what is owed then is
   * the file, and completion is retried (HEAD, the sweep) until it is made.
   */
  isExpiredAt(now: Date): boolean {
    return this.isActive && !this.awaitsCompletion && now.getTime() >= this.state.expiresAt.getTime();
  }

  /** Throws if the upload cannot be read from or written to any more (expired, terminated). */
  assertAlive(now: Date): void {
    if (this.state.status === UploadSessionStatus.Aborted) throw new UploadGoneError(this.id, 'aborted');
    if (this.state.status === UploadSessionStatus.Expired || this.isExpiredAt(now))
      throw new UploadGoneError(this.id, 'expired');
  }

  /**
   * Checks that a chunk may be appended at `offset` and answers how many bytes it may bring at most.
   * Nothing changes: the bytes count only once `recordProgress` confirms they are durable.
   */
  acceptChunkAt(offset: number, now: Date): number {
    this.assertAlive(now);
    if (this.state.concat.kind === 'final')
      throw new UploadNotWritableError(this.id, 'it is the concatenation of other uploads');
    if (this.state.status === UploadSessionStatus.Completed)
      throw new UploadNotWritableError(this.id, 'it is complete');
    if (offset !== this.state.offset) throw new UploadOffsetMismatchError(this.state.offset, offset);
    return (this.state.length ?? this.state.maxLength) - this.state.offset;
  }

  /** Creation-defer-length: the length, sent once with a later chunk. */
  declareLength(length: number, now: Date): void {
    this.guardActive('length declared');
    if (this.state.length !== null) {
      if (this.state.length === length) return;
      throw invalidUpload(
        'Upload-Length',
        `The upload's length is ${this.state.length} and cannot change.`,
        'upload-length-immutable',
      );
    }
    assertLength(length, this.state.maxLength);
    if (length < this.state.offset) {
      throw invalidUpload(
        'Upload-Length',
        `The upload already holds ${this.state.offset} bytes, more than ${length}.`,
        'invalid-upload-length',
      );
    }
    this.state.length = length;
    this.state.updatedAt = now;
  }

  /** Bytes up to `offset` are durably staged. Progress keeps the upload alive. */
  recordProgress(offset: number, now: Date): void {
    this.guardActive('progress');
    if (this.state.concat.kind === 'final')
      throw new UploadNotWritableError(this.id, 'it is the concatenation of other uploads');
    if (!Number.isSafeInteger(offset) || offset < this.state.offset) {
      throw new InvalidStateTransitionError(`offset ${this.state.offset}`, `offset ${offset}`, 'upload');
    }
    const limit = this.state.length ?? this.state.maxLength;
    if (offset > limit) throw new UploadLengthExceededError(limit - this.state.offset);
    this.state.offset = offset;
    this.touch(now);
  }

  /** The upload became file `fileId` (which may be an existing file with the same bytes). */
  complete(fileId: string, now: Date): void {
    this.guardActive(UploadSessionStatus.Completed);
    if (this.state.concat.kind === 'partial')
      throw new InvalidStateTransitionError('partial', 'completed as a file', 'upload');
    if (this.state.concat.kind === 'final') this.state.offset = this.state.length!;
    if (!this.hasAllBytes)
      throw new InvalidStateTransitionError(
        `at ${this.state.offset} of ${this.state.length ?? '?'} bytes`,
        UploadSessionStatus.Completed,
        'upload',
      );
    this.end(UploadSessionStatus.Completed, null, now);
    this.state.fileId = fileId;
    this.record(
      new UploadSessionCompleted(
        this.id,
        { ownerId: this.ownerId, fileId, size: this.state.length! },
        now.toISOString(),
      ),
    );
  }

  /** A finished partial upload became part of final upload `finalId`; its own bytes can go. */
  consumeInto(finalId: string, now: Date): void {
    this.assertUsableAsPart(now);
    this.end(UploadSessionStatus.Completed, `concatenated into ${finalId}`, now);
    this.record(
      new UploadSessionCompleted(
        this.id,
        { ownerId: this.ownerId, fileId: null, size: this.state.length!, concatenatedInto: finalId },
        now.toISOString(),
      ),
    );
  }

  /** Terminated by the client, or refused as a whole (e.g. the finished bytes miss their SHA-256). */
  abort(reason: string, now: Date): void {
    this.guardActive(UploadSessionStatus.Aborted);
    this.end(UploadSessionStatus.Aborted, reason, now);
    this.record(
      new UploadSessionAborted(
        this.id,
        { ownerId: this.ownerId, reason, offset: this.state.offset },
        now.toISOString(),
      ),
    );
  }

  expire(now: Date): void {
    if (!this.isExpiredAt(now))
      throw new InvalidStateTransitionError(this.state.status, UploadSessionStatus.Expired, 'upload');
    this.end(UploadSessionStatus.Expired, 'no progress before the expiry', now);
    this.record(
      new UploadSessionExpired(
        this.id,
        { ownerId: this.ownerId, offset: this.state.offset, length: this.state.length },
        now.toISOString(),
      ),
    );
  }

  snapshot(): Readonly<UploadSessionState> {
    return { ...this.state };
  }

  private assertUsableAsPart(now: Date): void {
    if (this.state.concat.kind !== 'partial') {
      throw invalidUpload('Upload-Concat', `Upload ${this.id} is not a partial upload.`, 'invalid-concatenation');
    }
    this.assertAlive(now);
    if (!this.isActive)
      throw invalidUpload('Upload-Concat', `Partial upload ${this.id} was already used.`, 'invalid-concatenation');
    if (!this.hasAllBytes) {
      throw invalidUpload(
        'Upload-Concat',
        `Partial upload ${this.id} is not finished (${this.state.offset} of ${this.state.length ?? '?'} bytes).`,
        'invalid-concatenation',
      );
    }
  }

  private guardActive(to: string): void {
    if (!this.isActive) throw new InvalidStateTransitionError(this.state.status, to, 'upload');
  }

  private end(status: UploadSessionStatus, reason: string | null, now: Date): void {
    this.state.status = status;
    this.state.endReason = reason;
    this.state.updatedAt = now;
  }

  private touch(now: Date): void {
    this.state.updatedAt = now;
    this.state.expiresAt = new Date(now.getTime() + this.state.ttlMs);
  }
}

function assertLength(length: number, maxLength: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw invalidUpload('Upload-Length', 'Upload-Length must be a non-negative integer.', 'invalid-upload-length');
  }
  if (length > maxLength) throw new FileTooLargeError(maxLength);
}

/**
 * The client's metadata as the session keeps it (jsonb): any key the client likes, but keys and
 * values must be storable text, or the session could never be written.
 */
function storableMetadata(metadata: Record<string, string | null>): Record<string, string | null> {
  for (const [key, value] of Object.entries(metadata)) {
    const reason = unstorableTextReason(key) ?? (value === null ? undefined : unstorableTextReason(value));
    if (reason !== undefined) {
      throw invalidUpload('Upload-Metadata', `Upload-Metadata "${key}" ${reason}.`, 'invalid-upload-metadata');
    }
  }
  return { ...metadata };
}

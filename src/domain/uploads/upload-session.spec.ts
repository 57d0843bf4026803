import { DomainError, InvalidStateTransitionError, ValidationError } from '../shared';
import { FileTooLargeError } from '../files';
import { StartUploadProps, UploadSession, UploadSessionState } from './upload-session';
import { UploadSessionStatus } from './upload-session-status';
import { UploadTarget } from './upload-target';
import {
  UploadGoneError,
  UploadLengthExceededError,
  UploadNotFoundError,
  UploadNotWritableError,
  UploadOffsetMismatchError,
} from './upload-session.errors';
import {
  UploadSessionAborted,
  UploadSessionCompleted,
  UploadSessionExpired,
  UploadSessionStarted,
} from './upload-session.events';

const MINUTE = 60_000;
const TTL_MS = 60 * MINUTE;
const MAX = 1_000;
const T0 = new Date('2026-01-01T00:00:00.000Z');
const T1 = new Date('2026-01-01T00:10:00.000Z');
const T2 = new Date('2026-01-01T00:20:00.000Z');
/** Exactly one TTL after T0: the expiry of a session started at T0 without progress. */
const T0_EXPIRY = new Date(T0.getTime() + TTL_MS);
const JUST_BEFORE_T0_EXPIRY = new Date(T0_EXPIRY.getTime() - 1);

const TARGET = UploadTarget.of({ metadata: { name: 'report.pdf' }, mimeType: 'application/pdf' });

function startProps(overrides: Partial<StartUploadProps> = {}): StartUploadProps {
  return {
    id: 'upload-1',
    ownerId: 'user-1',
    length: 100,
    maxLength: MAX,
    target: TARGET,
    now: T0,
    ttlMs: TTL_MS,
    ...overrides,
  };
}

/** A freshly started upload with its UploadSessionStarted already pulled. */
function started(overrides: Partial<StartUploadProps> = {}): UploadSession {
  const session = UploadSession.start(startProps(overrides));
  session.pullEvents();
  return session;
}

/** A partial upload holding all of its `length` bytes, no events pending. */
function finishedPart(id: string, length: number, ownerId = 'user-1'): UploadSession {
  const part = started({ id, ownerId, length, partial: true });
  part.recordProgress(length, T1);
  return part;
}

/** A session as loaded from the repository, with no pending events. */
function loaded(overrides: Partial<UploadSessionState> = {}, version = 4): UploadSession {
  return UploadSession.reconstitute(
    {
      id: 'upload-1',
      ownerId: 'user-1',
      status: UploadSessionStatus.Active,
      length: 100,
      offset: 40,
      maxLength: MAX,
      target: TARGET,
      clientMetadata: { filename: 'report.pdf' },
      concat: { kind: 'none' },
      fileId: null,
      endReason: null,
      ttlMs: TTL_MS,
      expiresAt: T0_EXPIRY,
      createdAt: T0,
      updatedAt: T0,
      ...overrides,
    },
    version,
  );
}

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned');
}

function expectValidation(run: () => unknown, code: string): ValidationError {
  const error = caught(run);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).code).toBe(code);
  return error as ValidationError;
}

describe('UploadSession', () => {
  describe('start', () => {
    it('starts active at offset 0 with the declared length, unsaved', () => {
      const session = UploadSession.start(startProps());
      expect(session.id).toBe('upload-1');
      expect(session.ownerId).toBe('user-1');
      expect(session.status).toBe(UploadSessionStatus.Active);
      expect(session.isActive).toBe(true);
      expect(session.length).toBe(100);
      expect(session.offset).toBe(0);
      expect(session.maxLength).toBe(MAX);
      expect(session.target).toBe(TARGET);
      expect(session.concat).toEqual({ kind: 'none' });
      expect(session.fileId).toBeNull();
      expect(session.endReason).toBeNull();
      expect(session.version).toBe(0);
      expect(session.createdAt).toBe(T0);
      expect(session.updatedAt).toBe(T0);
      expect(session.isOwnedBy('user-1')).toBe(true);
      expect(session.isOwnedBy('user-2')).toBe(false);
    });

    it('expires one TTL after it was started', () => {
      expect(UploadSession.start(startProps()).expiresAt).toEqual(T0_EXPIRY);
    });

    it('records UploadSessionStarted with the owner, length and concat kind', () => {
      const events = UploadSession.start(startProps()).pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(UploadSessionStarted);
      expect(event.eventName).toBe('upload.started');
      expect(event.aggregateId).toBe('upload-1');
      expect(event.occurredAt).toBe(T0.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', length: 100, concat: 'none' });
    });

    it('accepts a deferred length (null) and records it as null', () => {
      const session = UploadSession.start(startProps({ length: null }));
      expect(session.length).toBeNull();
      expect(session.hasAllBytes).toBe(false);
      expect(session.peekEvents()[0].payload).toEqual({ ownerId: 'user-1', length: null, concat: 'none' });
    });

    it('accepts a length of 0, which already holds all its bytes', () => {
      const session = UploadSession.start(startProps({ length: 0 }));
      expect(session.length).toBe(0);
      expect(session.hasAllBytes).toBe(true);
      expect(session.awaitsCompletion).toBe(true);
    });

    it('accepts a length exactly at maxLength', () => {
      expect(UploadSession.start(startProps({ length: MAX })).length).toBe(MAX);
    });

    it('refuses a length over maxLength with FileTooLargeError naming the maximum', () => {
      const error = caught(() => UploadSession.start(startProps({ length: MAX + 1 })));
      expect(error).toBeInstanceOf(FileTooLargeError);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as FileTooLargeError).maxBytes).toBe(MAX);
      expect((error as FileTooLargeError).code).toBe('file-too-large');
    });

    it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1])(
      'refuses %p as a length with ValidationError invalid-upload-length',
      (length) => {
        const error = expectValidation(
          () => UploadSession.start(startProps({ length, maxLength: Number.MAX_VALUE })),
          'invalid-upload-length',
        );
        expect(error.fieldErrors?.[0].field).toBe('Upload-Length');
      },
    );

    it('makes a partial upload when asked, recorded with concat kind "partial"', () => {
      const session = UploadSession.start(startProps({ partial: true }));
      expect(session.concat).toEqual({ kind: 'partial' });
      expect(session.peekEvents()[0].payload).toEqual({ ownerId: 'user-1', length: 100, concat: 'partial' });
    });

    it("keeps the client metadata as a copy, untouched by later changes to the caller's object", () => {
      const metadata: Record<string, string | null> = { filename: 'report.pdf', flag: null };
      const session = UploadSession.start(startProps({ clientMetadata: metadata }));
      metadata.filename = 'changed.pdf';
      expect(session.clientMetadata).toEqual({ filename: 'report.pdf', flag: null });
    });

    it('has empty client metadata when none was sent', () => {
      expect(UploadSession.start(startProps()).clientMetadata).toEqual({});
    });

    it.each([
      ['a NUL in a value', { note: 'a\u0000b' }],
      ['an unpaired surrogate in a value', { note: '\ud800' }],
      ['a NUL in a key', { 'a\u0000': 'x' }],
    ])('refuses client metadata with %s, which its jsonb column could not hold', (_what, clientMetadata) => {
      expect(() => UploadSession.start(startProps({ clientMetadata }))).toThrow(
        expect.objectContaining({ code: 'invalid-upload-metadata', kind: 'validation' }),
      );
    });

    it('keeps control characters other than NUL in client metadata: only its own fields have shapes', () => {
      const clientMetadata = { caption: 'two\nlines\u0007' };
      expect(UploadSession.start(startProps({ clientMetadata })).clientMetadata).toEqual(clientMetadata);
    });
  });

  describe('acceptChunkAt', () => {
    it('answers how many bytes the chunk may bring: length minus offset', () => {
      const session = started();
      expect(session.acceptChunkAt(0, T1)).toBe(100);
      session.recordProgress(30, T1);
      expect(session.acceptChunkAt(30, T1)).toBe(70);
    });

    it('answers maxLength minus offset while the length is deferred', () => {
      const session = started({ length: null });
      session.recordProgress(250, T1);
      expect(session.acceptChunkAt(250, T1)).toBe(MAX - 250);
    });

    it('answers 0 for an upload that holds all its bytes but is not completed yet', () => {
      const session = started({ length: 10 });
      session.recordProgress(10, T1);
      expect(session.acceptChunkAt(10, T1)).toBe(0);
    });

    it('changes nothing when it accepts a chunk', () => {
      const session = started();
      const before = session.snapshot();
      session.acceptChunkAt(0, T1);
      expect(session.snapshot()).toEqual(before);
      expect(session.peekEvents()).toEqual([]);
    });

    it('refuses a chunk at the wrong offset with the expected and actual offsets, changing nothing', () => {
      const session = started();
      session.recordProgress(40, T1);
      const before = session.snapshot();
      const error = caught(() => session.acceptChunkAt(39, T2));
      expect(error).toBeInstanceOf(UploadOffsetMismatchError);
      expect((error as UploadOffsetMismatchError).expected).toBe(40);
      expect((error as UploadOffsetMismatchError).actual).toBe(39);
      expect((error as UploadOffsetMismatchError).kind).toBe('conflict');
      expect((error as UploadOffsetMismatchError).code).toBe('upload-offset-mismatch');
      expect(session.snapshot()).toEqual(before);
      expect(session.peekEvents()).toEqual([]);
    });

    it('refuses a chunk ahead of the offset as well', () => {
      expect(() => started().acceptChunkAt(1, T1)).toThrow(UploadOffsetMismatchError);
    });

    it('accepts a chunk just before the expiry', () => {
      expect(started().acceptChunkAt(0, JUST_BEFORE_T0_EXPIRY)).toBe(100);
    });

    it.each([
      ['exactly at', T0_EXPIRY],
      ['after', new Date(T0_EXPIRY.getTime() + MINUTE)],
    ])('refuses a chunk %s the expiry with UploadGoneError upload-expired', (_when, now) => {
      const error = caught(() => started().acceptChunkAt(0, now));
      expect(error).toBeInstanceOf(UploadGoneError);
      expect((error as UploadGoneError).code).toBe('upload-expired');
      expect((error as UploadGoneError).kind).toBe('gone');
    });

    it('refuses a chunk for an upload already marked expired, whatever the clock says', () => {
      const session = loaded({ status: UploadSessionStatus.Expired, endReason: 'no progress before the expiry' });
      const error = caught(() => session.acceptChunkAt(40, T0));
      expect(error).toBeInstanceOf(UploadGoneError);
      expect((error as UploadGoneError).code).toBe('upload-expired');
    });

    it('refuses a chunk for an aborted upload with UploadGoneError upload-terminated', () => {
      const session = started();
      session.abort('client terminated', T1);
      const error = caught(() => session.acceptChunkAt(0, T1));
      expect(error).toBeInstanceOf(UploadGoneError);
      expect((error as UploadGoneError).code).toBe('upload-terminated');
    });

    it('refuses a chunk for a completed upload with UploadNotWritableError', () => {
      const session = started({ length: 10 });
      session.recordProgress(10, T1);
      session.complete('file-1', T1);
      const error = caught(() => session.acceptChunkAt(10, T2));
      expect(error).toBeInstanceOf(UploadNotWritableError);
      expect((error as UploadNotWritableError).code).toBe('upload-not-writable');
      expect((error as UploadNotWritableError).kind).toBe('forbidden');
    });

    it('refuses any chunk for a final concatenation, which takes no bytes of its own', () => {
      const final = UploadSession.concatenate({ ...startProps(), id: 'final-1', parts: [finishedPart('p1', 10)] });
      expect(() => final.acceptChunkAt(0, T1)).toThrow(UploadNotWritableError);
      expect(final.offset).toBe(0);
    });
  });

  describe('recordProgress', () => {
    it('moves the offset and slides the expiry one TTL past the progress', () => {
      const session = started();
      session.recordProgress(40, T1);
      expect(session.offset).toBe(40);
      expect(session.updatedAt).toBe(T1);
      expect(session.expiresAt).toEqual(new Date(T1.getTime() + TTL_MS));
      expect(session.peekEvents()).toEqual([]);
    });

    it('keeps an upload alive past its first expiry while bytes keep coming', () => {
      const session = started();
      session.recordProgress(40, JUST_BEFORE_T0_EXPIRY);
      expect(session.isExpiredAt(T0_EXPIRY)).toBe(false);
      expect(session.acceptChunkAt(40, T0_EXPIRY)).toBe(60);
    });

    it('accepts the same offset again (an empty chunk) and still slides the expiry', () => {
      const session = started();
      session.recordProgress(40, T1);
      session.recordProgress(40, T2);
      expect(session.offset).toBe(40);
      expect(session.expiresAt).toEqual(new Date(T2.getTime() + TTL_MS));
    });

    it('accepts progress up to exactly the length', () => {
      const session = started();
      session.recordProgress(100, T1);
      expect(session.offset).toBe(100);
      expect(session.hasAllBytes).toBe(true);
    });

    it('refuses to go backwards with InvalidStateTransitionError, keeping the offset', () => {
      const session = started();
      session.recordProgress(40, T1);
      expect(() => session.recordProgress(39, T2)).toThrow(InvalidStateTransitionError);
      expect(session.offset).toBe(40);
      expect(session.updatedAt).toBe(T1);
    });

    it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY])(
      'refuses %p as an offset with InvalidStateTransitionError',
      (offset) => {
        expect(() => started().recordProgress(offset, T1)).toThrow(InvalidStateTransitionError);
      },
    );

    it('refuses to go past the length with UploadLengthExceededError naming the bytes still allowed', () => {
      const session = started();
      session.recordProgress(40, T1);
      const before = session.snapshot();
      const error = caught(() => session.recordProgress(101, T2));
      expect(error).toBeInstanceOf(UploadLengthExceededError);
      expect((error as UploadLengthExceededError).maxBytes).toBe(60);
      expect((error as UploadLengthExceededError).code).toBe('upload-length-exceeded');
      expect(session.snapshot()).toEqual(before);
    });

    it('refuses to go past maxLength while the length is deferred', () => {
      const session = started({ length: null });
      const error = caught(() => session.recordProgress(MAX + 1, T1));
      expect(error).toBeInstanceOf(UploadLengthExceededError);
      expect((error as UploadLengthExceededError).maxBytes).toBe(MAX);
      expect(session.offset).toBe(0);
    });

    it.each([UploadSessionStatus.Completed, UploadSessionStatus.Aborted, UploadSessionStatus.Expired])(
      'refuses progress on an upload that is %s with InvalidStateTransitionError, changing nothing',
      (status) => {
        const session = loaded({ status });
        const before = session.snapshot();
        const error = caught(() => session.recordProgress(50, T1));
        expect(error).toBeInstanceOf(InvalidStateTransitionError);
        expect((error as InvalidStateTransitionError).from).toBe(status);
        expect(session.snapshot()).toEqual(before);
      },
    );
  });

  describe('declareLength', () => {
    it('sets a deferred length once', () => {
      const session = started({ length: null });
      session.recordProgress(30, T1);
      session.declareLength(80, T2);
      expect(session.length).toBe(80);
      expect(session.updatedAt).toBe(T2);
      expect(session.acceptChunkAt(30, T2)).toBe(50);
    });

    it('accepts a length equal to the bytes already held', () => {
      const session = started({ length: null });
      session.recordProgress(30, T1);
      session.declareLength(30, T2);
      expect(session.hasAllBytes).toBe(true);
    });

    it('treats the same length again as a no-op', () => {
      const session = started({ length: 100 });
      const before = session.snapshot();
      expect(() => session.declareLength(100, T2)).not.toThrow();
      expect(session.snapshot()).toEqual(before);
    });

    it('refuses a different length once one is set with ValidationError upload-length-immutable', () => {
      const session = started({ length: null });
      session.declareLength(80, T1);
      expectValidation(() => session.declareLength(90, T2), 'upload-length-immutable');
      expect(session.length).toBe(80);
      expect(session.updatedAt).toBe(T1);
    });

    it('refuses a length shorter than the bytes already held with invalid-upload-length', () => {
      const session = started({ length: null });
      session.recordProgress(30, T1);
      expectValidation(() => session.declareLength(29, T2), 'invalid-upload-length');
      expect(session.length).toBeNull();
    });

    it('refuses a length over maxLength with FileTooLargeError', () => {
      const session = started({ length: null });
      expect(() => session.declareLength(MAX + 1, T1)).toThrow(FileTooLargeError);
      expect(session.length).toBeNull();
    });

    it.each([-1, 2.5])('refuses %p as a length with invalid-upload-length', (length) => {
      const session = started({ length: null });
      expectValidation(() => session.declareLength(length, T1), 'invalid-upload-length');
      expect(session.length).toBeNull();
    });
  });

  describe('hasAllBytes and awaitsCompletion', () => {
    it('are false while bytes are missing', () => {
      const session = started();
      session.recordProgress(99, T1);
      expect(session.hasAllBytes).toBe(false);
      expect(session.awaitsCompletion).toBe(false);
    });

    it('are false while the length is deferred, whatever the offset', () => {
      const session = started({ length: null });
      session.recordProgress(MAX, T1);
      expect(session.hasAllBytes).toBe(false);
      expect(session.awaitsCompletion).toBe(false);
    });

    it('are true once every declared byte is staged', () => {
      const session = started();
      session.recordProgress(100, T1);
      expect(session.hasAllBytes).toBe(true);
      expect(session.awaitsCompletion).toBe(true);
    });

    it('never await completion for a partial upload, which waits for its final instead', () => {
      const part = finishedPart('p1', 10);
      expect(part.hasAllBytes).toBe(true);
      expect(part.awaitsCompletion).toBe(false);
    });

    it('no longer await completion once completed', () => {
      const session = started({ length: 0 });
      session.complete('file-1', T1);
      expect(session.hasAllBytes).toBe(true);
      expect(session.awaitsCompletion).toBe(false);
    });
  });

  describe('complete', () => {
    it('completes an upload holding all its bytes and records UploadSessionCompleted', () => {
      const session = started();
      session.recordProgress(100, T1);
      session.complete('file-9', T2);
      expect(session.status).toBe(UploadSessionStatus.Completed);
      expect(session.isActive).toBe(false);
      expect(session.fileId).toBe('file-9');
      expect(session.endReason).toBeNull();
      expect(session.updatedAt).toBe(T2);
      const events = session.pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(UploadSessionCompleted);
      expect(event.eventName).toBe('upload.completed');
      expect(event.aggregateId).toBe('upload-1');
      expect(event.occurredAt).toBe(T2.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', fileId: 'file-9', size: 100 });
    });

    it('completes an empty upload straight away', () => {
      const session = started({ length: 0 });
      session.complete('file-9', T1);
      expect(session.peekEvents()[0].payload).toEqual({ ownerId: 'user-1', fileId: 'file-9', size: 0 });
    });

    it('refuses to complete while bytes are missing, changing nothing', () => {
      const session = started();
      session.recordProgress(99, T1);
      const before = session.snapshot();
      expect(() => session.complete('file-9', T2)).toThrow(InvalidStateTransitionError);
      expect(session.snapshot()).toEqual(before);
      expect(session.peekEvents()).toEqual([]);
    });

    it('refuses to complete while the length is deferred', () => {
      const session = started({ length: null });
      session.recordProgress(50, T1);
      expect(() => session.complete('file-9', T2)).toThrow(InvalidStateTransitionError);
      expect(session.status).toBe(UploadSessionStatus.Active);
    });

    it('refuses to complete a partial upload as a file, even with all its bytes', () => {
      const part = finishedPart('p1', 10);
      const error = caught(() => part.complete('file-9', T2));
      expect(error).toBeInstanceOf(InvalidStateTransitionError);
      expect((error as InvalidStateTransitionError).from).toBe('partial');
      expect(part.status).toBe(UploadSessionStatus.Active);
      expect(part.fileId).toBeNull();
      expect(part.peekEvents()).toEqual([]);
    });

    it('refuses to complete twice, keeping the first file', () => {
      const session = started({ length: 0 });
      session.complete('file-1', T1);
      session.pullEvents();
      const error = caught(() => session.complete('file-2', T2));
      expect(error).toBeInstanceOf(InvalidStateTransitionError);
      expect((error as InvalidStateTransitionError).from).toBe(UploadSessionStatus.Completed);
      expect(session.fileId).toBe('file-1');
      expect(session.updatedAt).toBe(T1);
      expect(session.peekEvents()).toEqual([]);
    });

    it.each([UploadSessionStatus.Aborted, UploadSessionStatus.Expired])(
      'refuses to complete an upload that is %s',
      (status) => {
        const session = loaded({ status, offset: 100 });
        expect(() => session.complete('file-1', T1)).toThrow(InvalidStateTransitionError);
        expect(session.status).toBe(status);
        expect(session.fileId).toBeNull();
      },
    );

    it('completes a final upload, setting its offset to its length', () => {
      const final = UploadSession.concatenate({
        ...startProps(),
        id: 'final-1',
        parts: [finishedPart('p1', 10), finishedPart('p2', 15)],
      });
      final.pullEvents();
      expect(final.offset).toBe(0);
      final.complete('file-7', T2);
      expect(final.status).toBe(UploadSessionStatus.Completed);
      expect(final.offset).toBe(25);
      expect(final.hasAllBytes).toBe(true);
      expect(final.fileId).toBe('file-7');
      expect(final.pullEvents()[0].payload).toEqual({ ownerId: 'user-1', fileId: 'file-7', size: 25 });
    });
  });

  describe('concatenate', () => {
    function concatenate(parts: UploadSession[], overrides: Partial<StartUploadProps> = {}): UploadSession {
      const { length: _length, partial: _partial, ...props } = startProps({ id: 'final-1', ...overrides });
      return UploadSession.concatenate({ ...props, parts });
    }

    it('makes a final upload whose length is the sum of its parts, in the order given', () => {
      const final = concatenate([finishedPart('p2', 15), finishedPart('p1', 10), finishedPart('p3', 0)]);
      expect(final.id).toBe('final-1');
      expect(final.status).toBe(UploadSessionStatus.Active);
      expect(final.length).toBe(25);
      expect(final.offset).toBe(0);
      expect(final.concat).toEqual({ kind: 'final', partIds: ['p2', 'p1', 'p3'] });
      expect(final.expiresAt).toEqual(T0_EXPIRY);
    });

    it('records UploadSessionStarted with concat kind "final"', () => {
      const [event] = concatenate([finishedPart('p1', 10)]).pullEvents();
      expect(event).toBeInstanceOf(UploadSessionStarted);
      expect(event.payload).toEqual({ ownerId: 'user-1', length: 10, concat: 'final' });
    });

    it('awaits completion as soon as it is made: its parts hold every byte it will ever have', () => {
      const final = concatenate([finishedPart('p1', 10)]);
      // It stages no bytes itself, so until complete() its own offset stays 0.
      expect(final.offset).toBe(0);
      expect(final.hasAllBytes).toBe(false);
      expect(final.awaitsCompletion).toBe(true);
      final.complete('file-1', T1);
      expect(final.offset).toBe(10);
      expect(final.awaitsCompletion).toBe(false);
    });

    it('leaves the parts untouched: consuming them is a separate step', () => {
      const part = finishedPart('p1', 10);
      concatenate([part]);
      expect(part.status).toBe(UploadSessionStatus.Active);
      expect(part.peekEvents()).toEqual([]);
    });

    it('accepts a sum exactly at maxLength', () => {
      expect(concatenate([finishedPart('p1', 600), finishedPart('p2', 400)]).length).toBe(MAX);
    });

    it('refuses no parts with invalid-concatenation', () => {
      expectValidation(() => concatenate([]), 'invalid-concatenation');
    });

    it('refuses a part listed twice with invalid-concatenation', () => {
      const part = finishedPart('p1', 10);
      expectValidation(() => concatenate([part, finishedPart('p2', 5), part]), 'invalid-concatenation');
    });

    it('refuses a part of another owner as not found, without revealing it exists', () => {
      const error = caught(() => concatenate([finishedPart('p1', 10), finishedPart('p-other', 10, 'user-2')]));
      expect(error).toBeInstanceOf(UploadNotFoundError);
      expect((error as UploadNotFoundError).kind).toBe('not-found');
      expect((error as UploadNotFoundError).code).toBe('upload-not-found');
      expect((error as UploadNotFoundError).message).toBe('No upload with id p-other.');
    });

    it("refuses another owner's part as not found even when that part is unusable anyway", () => {
      const notPartial = started({ id: 'p-other', ownerId: 'user-2', length: 10 });
      expect(() => concatenate([notPartial])).toThrow(UploadNotFoundError);
    });

    it('refuses an upload that is not partial with invalid-concatenation', () => {
      const plain = started({ id: 'p1', length: 10 });
      plain.recordProgress(10, T1);
      expectValidation(() => concatenate([plain]), 'invalid-concatenation');
    });

    it('refuses a final upload as a part', () => {
      const inner = concatenate([finishedPart('p1', 10)], { id: 'final-0' });
      expectValidation(() => concatenate([inner]), 'invalid-concatenation');
    });

    it('refuses an unfinished part with invalid-concatenation', () => {
      const part = started({ id: 'p1', length: 10, partial: true });
      part.recordProgress(9, T1);
      expectValidation(() => concatenate([part], { now: T1 }), 'invalid-concatenation');
    });

    it('refuses a part whose length is still deferred', () => {
      const part = started({ id: 'p1', length: null, partial: true });
      part.recordProgress(10, T1);
      expectValidation(() => concatenate([part], { now: T1 }), 'invalid-concatenation');
    });

    it('refuses a part past its expiry with UploadGoneError upload-expired', () => {
      const part = finishedPart('p1', 10); // last progress at T1
      const error = caught(() => concatenate([part], { now: new Date(T1.getTime() + TTL_MS) }));
      expect(error).toBeInstanceOf(UploadGoneError);
      expect((error as UploadGoneError).code).toBe('upload-expired');
    });

    it('refuses an aborted part with UploadGoneError upload-terminated', () => {
      const part = finishedPart('p1', 10);
      part.abort('client terminated', T1);
      const error = caught(() => concatenate([part], { now: T2 }));
      expect(error).toBeInstanceOf(UploadGoneError);
      expect((error as UploadGoneError).code).toBe('upload-terminated');
    });

    it('refuses a part already consumed by another final upload', () => {
      const part = finishedPart('p1', 10);
      part.consumeInto('final-0', T1);
      expectValidation(() => concatenate([part], { now: T2 }), 'invalid-concatenation');
    });

    it('refuses a sum over maxLength with FileTooLargeError', () => {
      const error = caught(() => concatenate([finishedPart('p1', 600), finishedPart('p2', 401)]));
      expect(error).toBeInstanceOf(FileTooLargeError);
      expect((error as FileTooLargeError).maxBytes).toBe(MAX);
    });
  });

  describe('consumeInto', () => {
    it('completes a finished partial upload as part of a final one', () => {
      const part = finishedPart('p1', 10);
      part.consumeInto('final-1', T2);
      expect(part.status).toBe(UploadSessionStatus.Completed);
      expect(part.endReason).toContain('final-1');
      expect(part.endReason).toBe('concatenated into final-1');
      expect(part.fileId).toBeNull();
      expect(part.updatedAt).toBe(T2);
      const events = part.pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(UploadSessionCompleted);
      expect(event.occurredAt).toBe(T2.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', fileId: null, size: 10, concatenatedInto: 'final-1' });
    });

    it('refuses to consume a part twice', () => {
      const part = finishedPart('p1', 10);
      part.consumeInto('final-1', T2);
      part.pullEvents();
      expectValidation(() => part.consumeInto('final-2', T2), 'invalid-concatenation');
      expect(part.endReason).toBe('concatenated into final-1');
      expect(part.peekEvents()).toEqual([]);
    });

    it('refuses to consume an unfinished part', () => {
      const part = started({ id: 'p1', length: 10, partial: true });
      expectValidation(() => part.consumeInto('final-1', T1), 'invalid-concatenation');
      expect(part.status).toBe(UploadSessionStatus.Active);
    });

    it('refuses to consume an upload that is not partial', () => {
      const session = started({ length: 0 });
      expectValidation(() => session.consumeInto('final-1', T1), 'invalid-concatenation');
      expect(session.status).toBe(UploadSessionStatus.Active);
    });

    it('refuses to consume an expired part', () => {
      const part = finishedPart('p1', 10);
      expect(() => part.consumeInto('final-1', new Date(T1.getTime() + TTL_MS))).toThrow(UploadGoneError);
      expect(part.status).toBe(UploadSessionStatus.Active);
    });
  });

  describe('abort', () => {
    it('aborts an active upload and records UploadSessionAborted with the reason and offset', () => {
      const session = started();
      session.recordProgress(40, T1);
      session.abort('client terminated', T2);
      expect(session.status).toBe(UploadSessionStatus.Aborted);
      expect(session.endReason).toBe('client terminated');
      expect(session.updatedAt).toBe(T2);
      expect(session.offset).toBe(40);
      const events = session.pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(UploadSessionAborted);
      expect(event.eventName).toBe('upload.aborted');
      expect(event.occurredAt).toBe(T2.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', reason: 'client terminated', offset: 40 });
    });

    it.each([UploadSessionStatus.Completed, UploadSessionStatus.Aborted, UploadSessionStatus.Expired])(
      'refuses to abort an upload that is %s, changing nothing',
      (status) => {
        const session = loaded({ status, endReason: 'earlier' });
        const before = session.snapshot();
        const error = caught(() => session.abort('again', T1));
        expect(error).toBeInstanceOf(InvalidStateTransitionError);
        expect((error as InvalidStateTransitionError).from).toBe(status);
        expect(session.snapshot()).toEqual(before);
        expect(session.peekEvents()).toEqual([]);
      },
    );
  });

  describe('expiry', () => {
    it('is not expired just before its expiry', () => {
      expect(started().isExpiredAt(JUST_BEFORE_T0_EXPIRY)).toBe(false);
    });

    it('counts as expired exactly at its expiry', () => {
      expect(started().isExpiredAt(T0_EXPIRY)).toBe(true);
    });

    it('is never expired once it has ended, even long past the expiry', () => {
      const session = started({ length: 0 });
      session.complete('file-1', T1);
      expect(session.isExpiredAt(new Date('2027-01-01T00:00:00.000Z'))).toBe(false);
    });

    it('expires an active upload past its expiry and records UploadSessionExpired', () => {
      const session = started({ length: null });
      session.recordProgress(40, T1);
      const at = new Date(T1.getTime() + TTL_MS);
      session.expire(at);
      expect(session.status).toBe(UploadSessionStatus.Expired);
      expect(session.endReason).toBe('no progress before the expiry');
      expect(session.updatedAt).toBe(at);
      const events = session.pullEvents();
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toBeInstanceOf(UploadSessionExpired);
      expect(event.eventName).toBe('upload.expired');
      expect(event.occurredAt).toBe(at.toISOString());
      expect(event.payload).toEqual({ ownerId: 'user-1', offset: 40, length: null });
    });

    it('refuses to expire before the expiry, changing nothing', () => {
      const session = started();
      const before = session.snapshot();
      const error = caught(() => session.expire(JUST_BEFORE_T0_EXPIRY));
      expect(error).toBeInstanceOf(InvalidStateTransitionError);
      expect((error as InvalidStateTransitionError).from).toBe(UploadSessionStatus.Active);
      expect((error as InvalidStateTransitionError).to).toBe(UploadSessionStatus.Expired);
      expect(session.snapshot()).toEqual(before);
      expect(session.peekEvents()).toEqual([]);
    });

    it('refuses to expire twice', () => {
      const session = started();
      session.expire(T0_EXPIRY);
      session.pullEvents();
      expect(() => session.expire(new Date(T0_EXPIRY.getTime() + MINUTE))).toThrow(InvalidStateTransitionError);
      expect(session.updatedAt).toBe(T0_EXPIRY);
      expect(session.peekEvents()).toEqual([]);
    });

    it.each([UploadSessionStatus.Completed, UploadSessionStatus.Aborted])(
      'refuses to expire an upload that is %s',
      (status) => {
        const session = loaded({ status });
        expect(() => session.expire(new Date('2027-01-01T00:00:00.000Z'))).toThrow(InvalidStateTransitionError);
        expect(session.status).toBe(status);
      },
    );

    it('tells through assertAlive whether the upload can still be used', () => {
      expect(() => started().assertAlive(JUST_BEFORE_T0_EXPIRY)).not.toThrow();
      expect(() => started().assertAlive(T0_EXPIRY)).toThrow(UploadGoneError);
    });
  });

  describe('reconstitute and snapshot', () => {
    it('round-trips the state and version through snapshot and records no events', () => {
      const original = started({ length: null, clientMetadata: { filename: 'report.pdf' } });
      original.recordProgress(30, T1);
      original.declareLength(80, T2);
      const copy = UploadSession.reconstitute(original.snapshot(), 7);
      expect(copy.snapshot()).toEqual(original.snapshot());
      expect(copy.version).toBe(7);
      expect(copy.peekEvents()).toEqual([]);
      expect(copy.offset).toBe(30);
      expect(copy.length).toBe(80);
      expect(copy.expiresAt).toEqual(new Date(T1.getTime() + TTL_MS));
      expect(copy.acceptChunkAt(30, T2)).toBe(50);
    });

    it('keeps an ended upload ended', () => {
      const session = loaded({ status: UploadSessionStatus.Completed, offset: 100, fileId: 'file-1' }, 9);
      expect(session.status).toBe(UploadSessionStatus.Completed);
      expect(session.fileId).toBe('file-1');
      expect(session.version).toBe(9);
      expect(session.peekEvents()).toEqual([]);
    });

    it("keeps a final upload's parts in order", () => {
      const session = loaded({ concat: { kind: 'final', partIds: ['b', 'a'] }, offset: 0 });
      expect(session.concat).toEqual({ kind: 'final', partIds: ['b', 'a'] });
    });

    it('does not share state with the object it was rebuilt from', () => {
      const state = loaded().snapshot();
      const session = UploadSession.reconstitute(state, 1);
      session.recordProgress(60, T1);
      expect(state.offset).toBe(40);
      expect(state.expiresAt).toEqual(T0_EXPIRY);
    });

    it('gives a snapshot that later changes do not alter', () => {
      const session = started();
      const before = session.snapshot();
      session.recordProgress(40, T1);
      expect(before.offset).toBe(0);
      expect(before.expiresAt).toEqual(T0_EXPIRY);
      expect(before.updatedAt).toBe(T0);
    });
  });
});

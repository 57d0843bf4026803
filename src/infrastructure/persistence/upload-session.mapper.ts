import { UploadConcat, UploadSession, UploadSessionStatus, UploadTarget } from '../../domain/uploads';
import { UploadSessionRecord } from './schemas/upload-session.record';

const num = (v: string | number): number => Number(v);

export const UploadSessionMapper = {
  toDomain(r: UploadSessionRecord): UploadSession {
    const concat: UploadConcat =
      r.concatKind === 'final'
        ? { kind: 'final', partIds: r.concatParts }
        : r.concatKind === 'partial'
          ? { kind: 'partial' }
          : { kind: 'none' };
    return UploadSession.reconstitute(
      {
        id: r.id,
        ownerId: r.ownerId,
        status: r.status as UploadSessionStatus,
        length: r.length === null ? null : num(r.length),
        offset: num(r.uploadOffset),
        maxLength: num(r.maxLength),
        target: UploadTarget.of(r.target),
        clientMetadata: r.clientMetadata,
        concat,
        fileId: r.fileId,
        endReason: r.endReason,
        ttlMs: num(r.ttlMs),
        expiresAt: r.expiresAt,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      },
      r.version,
    );
  },

  toRecord(session: UploadSession, version: number): UploadSessionRecord {
    const s = session.snapshot();
    return {
      id: s.id,
      ownerId: s.ownerId,
      status: s.status,
      length: s.length,
      uploadOffset: s.offset,
      maxLength: s.maxLength,
      target: s.target.toProps(),
      clientMetadata: { ...s.clientMetadata },
      concatKind: s.concat.kind,
      concatParts: s.concat.kind === 'final' ? [...s.concat.partIds] : [],
      fileId: s.fileId,
      endReason: s.endReason,
      ttlMs: s.ttlMs,
      expiresAt: s.expiresAt,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      version,
    };
  },
};

import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConcurrentModificationError, File } from '../../domain/files';
import { UploadSession, UploadSessionRepository } from '../../domain/uploads';
import { OutboxWriter } from '../outbox/outbox.writer';
import { UploadSessionRecord, UploadSessionSchema } from './schemas/upload-session.record';
import { UploadSessionMapper } from './upload-session.mapper';
import { VersionedWrite, writeVersioned } from './versioned-write';
import { MikroFileRepository } from './mikro-file.repository';
import { canonicalUuid, isUuid } from '../../domain/shared';

// An active session in this state is owed a file, not an expiry (UploadSession.awaitsCompletion).
const HOLDS_EVERY_BYTE = `(concat_kind = 'final' or (concat_kind = 'none' and length is not null and upload_offset = length))`;

const COLUMN_OF: Record<keyof UploadSessionRecord, string> = {
  id: 'id',
  ownerId: 'owner_id',
  status: 'status',
  length: 'length',
  uploadOffset: 'upload_offset',
  maxLength: 'max_length',
  target: 'target',
  clientMetadata: 'client_metadata',
  concatKind: 'concat_kind',
  concatParts: 'concat_parts',
  fileId: 'file_id',
  endReason: 'end_reason',
  ttlMs: 'ttl_ms',
  expiresAt: 'expires_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  version: 'version',
};

/** Upload sessions and their events, each save one statement (see writeVersioned). */
@Injectable()
export class MikroUploadSessionRepository implements UploadSessionRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
    private readonly files: MikroFileRepository,
  ) {}

  async findById(id: string): Promise<UploadSession | null> {
    if (!isUuid(id)) return null;
    const row = await this.em.fork().findOne(UploadSessionSchema, { id });
    return row ? UploadSessionMapper.toDomain(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<UploadSession[]> {
    const valid = ids.map(canonicalUuid).filter((id): id is string => id !== null);
    if (valid.length === 0) return [];
    const rows = await this.em.fork().find(UploadSessionSchema, { id: { $in: valid } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return valid.flatMap((id) => (byId.has(id) ? [UploadSessionMapper.toDomain(byId.get(id)!)] : []));
  }

  async save(session: UploadSession): Promise<void> {
    const [written] = await writeVersioned(this.em, this.outbox, [this.writeOf(session)]);
    if (written === 0) throw new ConcurrentModificationError(session.id);
    this.persisted(session);
  }

  async saveWithFile(session: UploadSession, file: File): Promise<void> {
    await this.files.saveTogether(file, [this.writeOf(session)]);
    this.persisted(session);
  }

  private writeOf(session: UploadSession): VersionedWrite<UploadSessionRecord> {
    return {
      table: 'upload_sessions',
      columnOf: COLUMN_OF,
      record: UploadSessionMapper.toRecord(session, session.version + 1),
      loadedVersion: session.version,
      aggregateType: 'upload-session',
      events: session.peekEvents(),
    };
  }

  private persisted(session: UploadSession): void {
    const announced = session.pullEvents().length > 0;
    session.markPersisted(session.version + 1);
    if (announced) this.outbox.committed();
  }

  async activeUsage(ownerId: string): Promise<{ sessions: number; reservedBytes: number }> {
    const [row]: { sessions: number; reserved: string }[] = await this.em.getConnection().execute(
      `select count(*)::int as sessions, coalesce(sum(coalesce(length, upload_offset)), 0)::text as reserved
         from upload_sessions
        where owner_id = ? and status = 'active'
          -- idle past expiry: already as good as gone, whether or not the sweep got to it yet
          and (expires_at > now() or ${HOLDS_EVERY_BYTE})`,
      [ownerId],
    );
    return { sessions: row.sessions, reservedBytes: Number(row.reserved) };
  }

  async findExpired(now: Date, limit: number): Promise<UploadSession[]> {
    const rows: { id: string }[] = await this.em.getConnection().execute(
      `select id from upload_sessions
        where status = 'active' and expires_at <= ? and not (${HOLDS_EVERY_BYTE})
        order by expires_at limit ?`,
      [now, limit],
    );
    return this.findByIds(rows.map((r) => r.id));
  }

  async findUnfinished(olderThan: Date, limit: number): Promise<UploadSession[]> {
    const rows: { id: string }[] = await this.em.getConnection().execute(
      `select id from upload_sessions
        where status = 'active' and updated_at < ?
          and ${HOLDS_EVERY_BYTE}
        order by updated_at limit ?`,
      [olderThan, limit],
    );
    return this.findByIds(rows.map((r) => r.id));
  }

  async findEnded(endedBefore: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.em
      .getConnection()
      .execute(
        `select id from upload_sessions where status <> 'active' and updated_at < ? order by updated_at limit ?`,
        [endedBefore, limit],
      );
    return rows.map((r) => r.id);
  }

  async deleteByIds(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.em
      .getConnection()
      .execute(`delete from upload_sessions where id = any(?::uuid[])`, [`{${ids.join(',')}}`]);
  }
}

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  ConcurrentModificationError,
  DuplicateActiveFileError,
  File,
  FileRepository,
  UploadStatus,
} from '../../domain/files';
import { OutboxWriter } from '../outbox/outbox.writer';
import { FileMapper } from './file.mapper';
import { FileRecord, FileSchema } from './schemas/file.record';
import { VersionedWrite, writeVersioned } from './versioned-write';
import { isUuid } from '../../domain/shared';

const LIVE = [UploadStatus.Completed, UploadStatus.Archived];

// Record field → column. The one list both the SQL and the JSON row are built from.
const COLUMN_OF: Record<keyof FileRecord, string> = {
  id: 'id',
  ownerId: 'owner_id',
  name: 'name',
  mimeType: 'mime_type',
  category: 'category',
  size: 'size',
  sha256: 'sha256',
  status: 'status',
  statusBeforeDelete: 'status_before_delete',
  locations: 'locations',
  capturedAt: 'captured_at',
  tags: 'tags',
  entityType: 'entity_type',
  entityId: 'entity_id',
  description: 'description',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  deletedAt: 'deleted_at',
  version: 'version',
};

/**
 * Saves a file and its events in one statement (see writeVersioned). New rows go through
 * `on conflict … do nothing` on the live-duplicate index, so dedup needs no prior lookup.
 */
@Injectable()
export class MikroFileRepository implements FileRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  async findById(id: string): Promise<File | null> {
    if (!isUuid(id)) return null;
    const row = await this.em.fork().findOne(FileSchema, { id });
    return row ? FileMapper.toDomain(row) : null;
  }

  async findLiveByOwnerAndHash(ownerId: string, sha256: string): Promise<File | null> {
    const row = await this.em.fork().findOne(FileSchema, { ownerId, sha256, status: { $in: LIVE } });
    return row ? FileMapper.toDomain(row) : null;
  }

  async save(file: File): Promise<void> {
    await this.saveTogether(file, []);
  }

  /**
   * Saves a file and, in the same statement, other aggregates' writes (all or none): an upload
   * session and the file it became are one commit. `alongside` writes apply only if the file's did.
   */
  async saveTogether(file: File, alongside: readonly VersionedWrite[]): Promise<void> {
    const record = FileMapper.toRecord(file, file.version + 1);
    let written: number;
    try {
      [written] = await writeVersioned(this.em, this.outbox, [
        {
          table: 'files',
          columnOf: COLUMN_OF,
          record,
          loadedVersion: file.version,
          aggregateType: 'file',
          events: file.peekEvents(),
          onInsertConflict: `on conflict (owner_id, sha256) where status in ('completed', 'archived') do nothing`,
        },
        ...alongside,
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw await this.duplicateOf(record);
      throw error;
    }
    if (written === 0) {
      throw file.version === 0 ? await this.duplicateOf(record) : new ConcurrentModificationError(file.id);
    }
    file.pullEvents();
    file.markPersisted(record.version);
    this.outbox.committed();
  }

  async findDeletedBefore(before: Date, limit: number): Promise<File[]> {
    const rows = await this.em
      .fork()
      .find(
        FileSchema,
        { status: UploadStatus.Deleted, deletedAt: { $lt: before } },
        { orderBy: { deletedAt: 'asc' }, limit },
      );
    return rows.map((r) => FileMapper.toDomain(r));
  }

  async findLiveOnProvider(providerId: string, afterId: string | null, limit: number): Promise<File[]> {
    const knex = this.em.getKnex();
    const query = knex('files')
      .select('id')
      .whereIn('status', [UploadStatus.Completed, UploadStatus.Archived])
      .whereRaw(`locations->0->>'providerId' = ?`, [providerId])
      .orderBy('id')
      .limit(limit);
    if (afterId) query.where('id', '>', afterId);
    const ids = (await query).map((r: { id: string }) => r.id);
    if (ids.length === 0) return [];
    const rows = await this.em.fork().find(FileSchema, { id: { $in: ids } }, { orderBy: { id: 'asc' } });
    return rows.map((r) => FileMapper.toDomain(r));
  }

  async purge(file: File): Promise<boolean> {
    const events = this.outbox.insertWhere('file', file.peekEvents(), 'exists (select 1 from d)');
    const result: { rows: { n: number }[] } = await this.em.getKnex().raw(
      `with d as (delete from files where id = ? and version = ? and status = 'deleted' returning id)
       ${events ? `, e as (${events.sql})` : ''}
       select (select count(*) from d)::int as n`,
      [file.id, file.version, ...(events?.bindings ?? [])] as never[],
    );
    const purged = result.rows[0].n === 1;
    file.pullEvents();
    if (purged && events) this.outbox.committed();
    return purged;
  }

  private async duplicateOf(record: FileRecord): Promise<Error> {
    const existing = record.sha256 ? await this.findLiveByOwnerAndHash(record.ownerId, record.sha256) : null;
    return existing ? new DuplicateActiveFileError(existing.id) : new ConcurrentModificationError(record.id);
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintViolationException || (error as { code?: string })?.code === '23505';
}

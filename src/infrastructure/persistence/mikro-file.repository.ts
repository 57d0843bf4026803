import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConcurrentModificationError, DuplicateActiveFileError, File, FileRepository, UploadStatus } from '../../domain/file';
import { OutboxWriter } from '../outbox/outbox.writer';
import { FileMapper } from './file.mapper';
import { FileRecord, FileSchema } from './schemas/file.record';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIVE = [UploadStatus.Completed, UploadStatus.Archived];

// Record field → column. The one list both the SQL and the JSON row are built from.
const COLUMN_OF: Record<keyof FileRecord, string> = {
  id: 'id', ownerId: 'owner_id', name: 'name', mimeType: 'mime_type', category: 'category', size: 'size', sha256: 'sha256',
  status: 'status', statusBeforeDelete: 'status_before_delete', locations: 'locations', capturedAt: 'captured_at', tags: 'tags',
  entityType: 'entity_type', entityId: 'entity_id', description: 'description', createdAt: 'created_at', updatedAt: 'updated_at',
  deletedAt: 'deleted_at', version: 'version',
};
const COLUMNS = Object.values(COLUMN_OF);
const MUTABLE = COLUMNS.filter((c) => c !== 'id' && c !== 'created_at');

/**
 * Saves a file and its events in ONE statement (a CTE: row write + outbox insert guarded on it),
 * so an upload costs one round trip and one implicit transaction. New rows go through
 * `on conflict … do nothing` on the live-duplicate index, so dedup needs no prior lookup.
 */
@Injectable()
export class MikroFileRepository implements FileRepository {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxWriter,
  ) {}

  async findById(id: string): Promise<File | null> {
    if (!UUID.test(id)) return null;
    const row = await this.em.fork().findOne(FileSchema, { id });
    return row ? FileMapper.toDomain(row) : null;
  }

  private async findLiveByOwnerAndHash(ownerId: string, sha256: string): Promise<File | null> {
    const row = await this.em.fork().findOne(FileSchema, { ownerId, sha256, status: { $in: LIVE } });
    return row ? FileMapper.toDomain(row) : null;
  }

  async save(file: File): Promise<void> {
    const next = file.version + 1;
    const record = FileMapper.toRecord(file, next);
    const write = file.version === 0
      ? `insert into files (${COLUMNS.join(', ')})
           select ${COLUMNS.join(', ')} from jsonb_populate_record(null::files, ?::jsonb)
           on conflict (owner_id, sha256) where status in ('completed', 'archived') do nothing
           returning id`
      : `update files t set ${MUTABLE.map((c) => `${c} = r.${c}`).join(', ')}
           from jsonb_populate_record(null::files, ?::jsonb) r
           where t.id = r.id and t.version = ${Number(file.version)}
           returning t.id`;
    const events = this.outbox.insertWhere('file', file.peekEvents(), 'exists (select 1 from written)');
    const sql = `with written as (${write})${events ? `, events as (${events.sql})` : ''} select count(*)::int as n from written`;
    let written: number;
    try {
      const rows: { n: number }[] = await this.em.getConnection().execute(sql, [toJson(record), ...(events?.bindings ?? [])]);
      written = rows[0].n;
    } catch (error) {
      if (isUniqueViolation(error)) throw await this.duplicateOf(record);
      throw error;
    }
    if (written === 0) {
      throw file.version === 0 ? await this.duplicateOf(record) : new ConcurrentModificationError(file.id);
    }
    file.pullEvents();
    file.markPersisted(next);
    this.outbox.committed();
  }

  private async duplicateOf(record: FileRecord): Promise<Error> {
    const existing = record.sha256 ? await this.findLiveByOwnerAndHash(record.ownerId, record.sha256) : null;
    return existing ? new DuplicateActiveFileError(existing.id) : new ConcurrentModificationError(record.id);
  }
}

function toJson(record: FileRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(record).map(([field, value]) => [COLUMN_OF[field as keyof FileRecord], value])));
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof UniqueConstraintViolationException || (error as { code?: string })?.code === '23505';
}

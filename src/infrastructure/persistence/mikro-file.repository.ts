import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConcurrentModificationError, DuplicateActiveFileError, File, FileRepository, UploadStatus } from '../../domain/file';
import { OutboxWriter } from '../outbox/outbox.writer';
import { FileMapper } from './file.mapper';
import { FileSchema } from './schemas/file.record';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIVE = [UploadStatus.Completed, UploadStatus.Archived];

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

  async findLiveByOwnerAndHash(ownerId: string, sha256: string): Promise<File | null> {
    const row = await this.em.fork().findOne(FileSchema, { ownerId, sha256, status: { $in: LIVE } });
    return row ? FileMapper.toDomain(row) : null;
  }

  async save(file: File): Promise<void> {
    const next = file.version + 1;
    const record = FileMapper.toRecord(file, next);
    try {
      await this.em.fork().transactional(async (tx) => {
        if (file.version === 0) {
          await tx.insert(FileSchema, record);
        } else {
          const { id, ...changes } = record;
          const updated = await tx.nativeUpdate(FileSchema, { id, version: file.version }, changes);
          if (updated === 0) throw new ConcurrentModificationError(file.id);
        }
        await this.outbox.append(tx, 'file', file.peekEvents());
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && record.sha256) {
        const existing = await this.findLiveByOwnerAndHash(record.ownerId, record.sha256);
        if (existing) throw new DuplicateActiveFileError(existing.id);
      }
      throw error;
    }
    file.pullEvents();
    file.markPersisted(next);
    this.outbox.committed();
  }
}

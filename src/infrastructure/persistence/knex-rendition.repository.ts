import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { StorageLocation } from '../../domain/files';
import { Rendition, RenditionKind, RenditionRepository } from '../../domain/media';
import { isUuid } from '../../domain/shared';

interface RenditionRow {
  file_id: string;
  kind: RenditionKind;
  status: 'ready' | 'failed';
  provider_id: string | null;
  storage_key: string | null;
  content_type: string | null;
  width: number | null;
  height: number | null;
  size: string | number | null;
  sha256: string | null;
  failure_reason: string | null;
  created_at: Date;
}

const TABLE = 'file_renditions';

/** `file_renditions` through knex: a rendition is a plain row, replaced whole (no versioning needed). */
@Injectable()
export class KnexRenditionRepository implements RenditionRepository {
  constructor(private readonly em: EntityManager) {}

  async find(fileId: string, kind: RenditionKind): Promise<Rendition | null> {
    if (!isUuid(fileId)) return null;
    const row = await this.em
      .fork()
      .getKnex()<RenditionRow>(TABLE)
      .where({ file_id: fileId.toLowerCase(), kind })
      .first();
    return row ? toDomain(row) : null;
  }

  async findAll(fileId: string): Promise<Rendition[]> {
    if (!isUuid(fileId)) return [];
    const rows = await this.em
      .fork()
      .getKnex()<RenditionRow>(TABLE)
      .where({ file_id: fileId.toLowerCase() })
      .orderBy('kind');
    return rows.map(toDomain);
  }

  async replace(renditions: readonly Rendition[]): Promise<void> {
    if (renditions.length === 0) return;
    await this.em.fork().getKnex()(TABLE).insert(renditions.map(toRow)).onConflict(['file_id', 'kind']).merge();
  }
}

function toRow(r: Rendition): RenditionRow {
  const f = r.facts;
  return {
    file_id: r.fileId,
    kind: r.kind,
    status: r.status,
    provider_id: f?.location.providerId ?? null,
    storage_key: f?.location.key ?? null,
    content_type: f?.contentType ?? null,
    width: f?.width ?? null,
    height: f?.height ?? null,
    size: f?.size ?? null,
    sha256: f?.sha256 ?? null,
    failure_reason: r.failureReason,
    created_at: r.createdAt,
  };
}

function toDomain(row: RenditionRow): Rendition {
  const ready = row.status === 'ready' && row.provider_id && row.storage_key && row.sha256;
  return Rendition.reconstitute({
    fileId: row.file_id,
    kind: row.kind,
    status: row.status,
    facts: ready
      ? {
          location: StorageLocation.of(row.provider_id!, row.storage_key!),
          contentType: row.content_type ?? 'image/webp',
          width: row.width ?? 0,
          height: row.height ?? 0,
          size: Number(row.size ?? 0),
          sha256: row.sha256!,
        }
      : null,
    failureReason: row.failure_reason,
    createdAt: new Date(row.created_at),
  });
}

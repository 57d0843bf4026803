import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { FileListFilter, FilePage, FileReadModel } from '../../application/files/queries/file-read-model';
import { FileView } from '../../application/files/file-view';
import { decodeCursor, encodeCursor } from './keyset-cursor';

interface Row {
  id: string;
  owner_id: string;
  name: string;
  mime_type: string;
  category: string;
  size: string | null;
  sha256: string | null;
  status: string;
  locations: { providerId: string }[];
  captured_at: Date | string | null;
  tags: string[];
  entity_type: string | null;
  entity_id: string | null;
  description: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
}

/** Keyset pagination over (created_at, id), newest first: stable under inserts, no OFFSET scans. */
@Injectable()
export class SqlFileReadModel implements FileReadModel {
  constructor(private readonly em: EntityManager) {}

  async list(filter: FileListFilter, limit: number, cursor?: string): Promise<FilePage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (filter.ownerId !== null) add('owner_id = ?', filter.ownerId);
    if (filter.status) add('status = ?', filter.status);
    else add(`status <> 'deleted'`);
    if (filter.mimeType) add('mime_type = ?', filter.mimeType.toLowerCase());
    if (filter.category) add('category = ?', filter.category);
    if (filter.tag) add('tags @> array[?]::text[]', filter.tag);
    if (filter.createdFrom) add('created_at >= ?', filter.createdFrom);
    if (filter.createdTo) add('created_at < ?', filter.createdTo);
    if (filter.nameContains)
      add(`name ilike ? escape '\\'`, `%${filter.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (cursor) {
      const [createdAt, id] = decodeCursor(cursor);
      add('(created_at, id) < (?, ?)', createdAt, id);
    }
    const sql = `select id, owner_id, name, mime_type, category, size, sha256, status, locations, captured_at, tags,
        entity_type, entity_id, description, created_at, updated_at, deleted_at
      from files ${where.length ? `where ${where.join(' and ')}` : ''}
      order by created_at desc, id desc limit ?`;
    const rows: Row[] = await this.em
      .fork()
      .getConnection()
      .execute(sql, [...params, limit + 1]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit && last ? encodeCursor(iso(last.created_at)!, last.id) : null,
    };
  }
}

// The raw driver may hand timestamps back as strings or Dates; views always carry ISO strings.
function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

function toView(r: Row): FileView {
  return {
    id: r.id,
    ownerId: r.owner_id,
    name: r.name,
    mimeType: r.mime_type,
    category: r.category,
    size: r.size === null ? null : Number(r.size),
    sha256: r.sha256,
    status: r.status,
    providerId: r.locations[0]?.providerId ?? null,
    capturedAt: iso(r.captured_at),
    tags: r.tags,
    entityType: r.entity_type,
    entityId: r.entity_id,
    description: r.description,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
    deletedAt: iso(r.deleted_at),
  };
}

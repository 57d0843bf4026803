import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { StorageUsage, StorageUsageView } from '../../application/ports';

/** Counters in `storage_usage`, recounted from `files` in one statement (live = completed or archived). */
@Injectable()
export class SqlStorageUsage implements StorageUsage {
  constructor(private readonly em: EntityManager) {}

  /**
   * The last recount plus what was stored since (files created after it): current without summing a
   * user's whole history on every upload. Deletions since the recount show at the next one, so the
   * figure errs on the high side, which is the safe side for a quota.
   */
  async of(ownerId: string): Promise<StorageUsageView> {
    const [row]: {
      files: number;
      bytes: string;
      trash_files: number;
      trash_bytes: string;
      recounted_at: Date | null;
    }[] = await this.em.getConnection().execute(
      `select coalesce(u.files, 0) + recent.files as files, (coalesce(u.bytes, 0) + recent.bytes)::text as bytes,
              coalesce(u.trash_files, 0) as trash_files, coalesce(u.trash_bytes, 0)::text as trash_bytes, u.recounted_at
         from (select 1) one
         left join storage_usage u on u.owner_id = ?
         cross join lateral (
           select count(*)::int as files, coalesce(sum(size), 0) as bytes from files f
            where f.owner_id = ? and f.status in ('completed', 'archived') and (u.recounted_at is null or f.created_at > u.recounted_at)
         ) recent`,
      [ownerId, ownerId],
    );
    return {
      files: row.files,
      bytes: Number(row.bytes),
      trashFiles: row.trash_files,
      trashBytes: Number(row.trash_bytes),
      recountedAt: row.recounted_at ? new Date(row.recounted_at) : null,
    };
  }

  async recount(): Promise<number> {
    const result: { rows: { n: number }[] } = await this.em.getKnex().raw(`
      with counted as (
        select owner_id,
               count(*) filter (where status in ('completed', 'archived'))::int as files,
               coalesce(sum(size) filter (where status in ('completed', 'archived')), 0) as bytes,
               count(*) filter (where status = 'deleted')::int as trash_files,
               coalesce(sum(size) filter (where status = 'deleted'), 0) as trash_bytes
          from files group by owner_id
      ), upserted as (
        insert into storage_usage (owner_id, files, bytes, trash_files, trash_bytes, recounted_at)
        select owner_id, files, bytes, trash_files, trash_bytes, now() from counted
        on conflict (owner_id) do update set files = excluded.files, bytes = excluded.bytes,
          trash_files = excluded.trash_files, trash_bytes = excluded.trash_bytes, recounted_at = excluded.recounted_at
        returning 1
      ), gone as (
        delete from storage_usage u where not exists (select 1 from counted c where c.owner_id = u.owner_id) returning 1
      )
      select (select count(*) from upserted)::int as n`);
    return result.rows[0].n;
  }
}

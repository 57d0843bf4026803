import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent } from '../../domain/shared';
import { OutboxWriter } from '../outbox/outbox.writer';

export interface VersionedWrite<R extends object> {
  table: string;
  /** Record field → column; the one list both the SQL and the JSON row are built from. */
  columnOf: Record<keyof R, string>;
  /** The row to write, already carrying its next version. */
  record: R;
  /** The version the aggregate was loaded with; 0 inserts. */
  loadedVersion: number;
  aggregateType: string;
  events: readonly DomainEvent[];
  /** Appended to the insert, e.g. `on conflict (…) where … do nothing`. */
  onInsertConflict?: string;
}

/**
 * Writes an aggregate row and its events in ONE statement (a CTE: row write + outbox insert
 * guarded on it), so a save costs one round trip and one implicit transaction. An update only
 * applies to the version it was loaded at (optimistic lock). Answers how many rows were written:
 * 0 means a stale version (update) or a conflict (insert).
 */
export async function writeVersioned<R extends object>(em: EntityManager, outbox: OutboxWriter, w: VersionedWrite<R>): Promise<number> {
  const columns = Object.values(w.columnOf) as string[];
  const mutable = columns.filter((c) => c !== 'id' && c !== 'created_at');
  const write = w.loadedVersion === 0
    ? `insert into ${w.table} (${columns.join(', ')})
         select ${columns.join(', ')} from jsonb_populate_record(null::${w.table}, ?::jsonb)
         ${w.onInsertConflict ?? ''}
         returning id`
    : `update ${w.table} t set ${mutable.map((c) => `${c} = r.${c}`).join(', ')}
         from jsonb_populate_record(null::${w.table}, ?::jsonb) r
         where t.id = r.id and t.version = ${Number(w.loadedVersion)}
         returning t.id`;
  const events = outbox.insertWhere(w.aggregateType, w.events, 'exists (select 1 from written)');
  const sql = `with written as (${write})${events ? `, events as (${events.sql})` : ''} select count(*)::int as n from written`;
  const row = JSON.stringify(Object.fromEntries(Object.entries(w.record).map(([field, value]) => [w.columnOf[field as keyof R], value])));
  const rows: { n: number }[] = await em.getConnection().execute(sql, [row, ...(events?.bindings ?? [])]);
  return rows[0].n;
}

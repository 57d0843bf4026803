import { EntityManager } from '@mikro-orm/postgresql';
import { DomainEvent } from '../../domain/shared';
import { OutboxWriter } from '../outbox/outbox.writer';

export interface VersionedWrite<R extends object = object> {
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
 * Writes aggregate rows and their events in ONE statement (a CTE: the row writes, then the outbox
 * inserts guarded on them), so a save costs one round trip and one implicit transaction. An
 * update only applies to the version it was loaded at (optimistic lock); each write applies only
 * if every write before it did, so several aggregates are saved all or none. Answers how many
 * rows each write wrote: 0 means a stale version (update) or a conflict (insert).
 */
export async function writeVersioned(
  em: EntityManager,
  outbox: OutboxWriter,
  writes: readonly VersionedWrite[],
): Promise<number[]> {
  const ctes: string[] = [];
  const bindings: unknown[] = [];
  writes.forEach((w, i) => {
    const guard = i === 0 ? '' : `exists (select 1 from w${i - 1})`;
    const columns = Object.values<string>(w.columnOf);
    const mutable = columns.filter((c) => c !== 'id' && c !== 'created_at');
    const sql =
      w.loadedVersion === 0
        ? `insert into ${w.table} (${columns.join(', ')})
           select ${columns.join(', ')} from jsonb_populate_record(null::${w.table}, ?::jsonb) ${guard ? `where ${guard}` : ''}
           ${w.onInsertConflict ?? ''}
           returning id`
        : `update ${w.table} t set ${mutable.map((c) => `${c} = r.${c}`).join(', ')}
           from jsonb_populate_record(null::${w.table}, ?::jsonb) r
           where t.id = r.id and t.version = ${Number(w.loadedVersion)} ${guard ? `and ${guard}` : ''}
           returning t.id`;
    ctes.push(`w${i} as (${sql})`);
    bindings.push(
      JSON.stringify(
        Object.fromEntries(
          Object.entries(w.record).map(([field, value]) => [(w.columnOf as Record<string, string>)[field], value]),
        ),
      ),
    );
  });
  const last = `exists (select 1 from w${writes.length - 1})`;
  writes.forEach((w, i) => {
    const events = outbox.insertWhere(w.aggregateType, w.events, last);
    if (!events) return;
    ctes.push(`e${i} as (${events.sql})`);
    bindings.push(...events.bindings);
  });
  const counts = writes.map((_, i) => `(select count(*) from w${i})::int as n${i}`).join(', ');
  // Through knex with bind parameters: MikroORM's execute() would inline (and escape) the JSON
  // into the SQL text first, which cost more than the statement itself on small uploads.
  const result: { rows: Record<string, number>[] } = await em
    .getKnex()
    .raw(`with ${ctes.join(', ')} select ${counts}`, bindings as never[]);
  return writes.map((_, i) => result.rows[0][`n${i}`]);
}

import { MikroORM } from '@mikro-orm/postgresql';
import { buildOrmOptions } from './mikro-orm.options';

// Any constant works; it only has to be the same for every instance of this service.
const MIGRATION_LOCK = 7_219_004_311;

/**
 * Applies pending migrations. Several instances may start at once: a session advisory lock on the
 * migrator's single connection makes them take turns, and the later ones find nothing to do.
 */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const orm = await MikroORM.init({ ...buildOrmOptions(databaseUrl), pool: { min: 1, max: 1 } });
  try {
    const conn = orm.em.getConnection();
    await conn.execute('select pg_advisory_lock(?)', [MIGRATION_LOCK]);
    try {
      const applied = await orm.getMigrator().up();
      return applied.map((m) => m.name);
    } finally {
      await conn.execute('select pg_advisory_unlock(?)', [MIGRATION_LOCK]);
    }
  } finally {
    await orm.close(true);
  }
}

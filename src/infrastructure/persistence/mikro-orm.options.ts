import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Migration20261123000000_initial } from './migrations/Migration20261123000000_initial';
import { Migration20261123010000_outboxCommits } from './migrations/Migration20261123010000_outboxCommits';
import { Migration20261201100000_retrievalRequests } from './migrations/Migration20261201100000_retrievalRequests';
import { Migration20261201000000_uploadSessions } from './migrations/Migration20261201000000_uploadSessions';
import { Migration20261210000000_fileRenditions } from './migrations/Migration20261210000000_fileRenditions';
import { Migration20261211000000_webhooks } from './migrations/Migration20261211000000_webhooks';
import { Migration20261212000000_storageUsage } from './migrations/Migration20261212000000_storageUsage';
import { Migration20261213000000_webhookSecretRotation } from './migrations/Migration20261213000000_webhookSecretRotation';
import { Migration20261214000000_retrievalTierSince } from './migrations/Migration20261214000000_retrievalTierSince';
import { PERSISTENCE_SCHEMAS } from './schemas';

/** Migrations are listed explicitly so they run the same from ts (tests) and from dist (start). */
export const MIGRATIONS = [
  { name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
  { name: 'Migration20261123010000_outboxCommits', class: Migration20261123010000_outboxCommits },
  { name: 'Migration20261201000000_uploadSessions', class: Migration20261201000000_uploadSessions },
  { name: 'Migration20261201100000_retrievalRequests', class: Migration20261201100000_retrievalRequests },
  { name: 'Migration20261210000000_fileRenditions', class: Migration20261210000000_fileRenditions },
  { name: 'Migration20261211000000_webhooks', class: Migration20261211000000_webhooks },
  { name: 'Migration20261212000000_storageUsage', class: Migration20261212000000_storageUsage },
  { name: 'Migration20261213000000_webhookSecretRotation', class: Migration20261213000000_webhookSecretRotation },
  { name: 'Migration20261214000000_retrievalTierSince', class: Migration20261214000000_retrievalTierSince },
];

export function buildOrmOptions(clientUrl: string): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl,
    entities: PERSISTENCE_SCHEMAS,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, silent: true },
    discovery: { warnWhenNoEntities: false },
    pool: { min: 0, max: 20 },
    allowGlobalContext: false,
    forceUtcTimezone: true,
    debug: false,
  };
}

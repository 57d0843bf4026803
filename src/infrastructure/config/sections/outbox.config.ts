import { EnvReader } from '../env-reader';

export interface OutboxConfig {
  outboxRelayIntervalMs: number;
}

export function readOutboxConfig(env: EnvReader): OutboxConfig {
  return { outboxRelayIntervalMs: env.integer('OUTBOX_RELAY_INTERVAL_MS', 1000, 50, 60_000) };
}

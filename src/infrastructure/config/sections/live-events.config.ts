import { EnvReader } from '../env-reader';

export interface LiveEventsConfig {
  /** Events kept per user for Last-Event-ID replay (about: Redis trims whole stream nodes). */
  replayMax: number;
  /** A user's replay log is dropped this long after their last event. */
  replayTtlSeconds: number;
  /** Streams one user may hold open, on all API instances together. */
  maxStreamsPerUser: number;
}

export function readLiveEventsConfig(env: EnvReader): LiveEventsConfig {
  const section = env.section('LIVE_EVENTS_');
  return {
    replayMax: section.integer('REPLAY_MAX', 1000, 1, 1_000_000),
    replayTtlSeconds: section.integer('REPLAY_TTL_S', 86_400, 60, 30 * 86_400),
    maxStreamsPerUser: section.integer('MAX_STREAMS_PER_USER', 10, 1, 10_000),
  };
}

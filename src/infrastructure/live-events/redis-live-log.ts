import type Redis from 'ioredis';
import { LiveEvent } from '../../application/ports';
import { RedisScript } from '../jobs/redis-script';
import { LiveLogEntry } from '../../application/live-events';
import { LiveLogSnapshot } from './live-event-feed';

export const liveChannel = (prefix: string, userId: string) => `${prefix}:live:${userId}`;
const logKey = (prefix: string, userId: string) => `${prefix}:live-log:${userId}`;
const loggedKey = (prefix: string, eventId: string) => `${prefix}:live-logged:${eventId}`;

export interface LiveLogSettings {
  prefix: string;
  /** Entries kept per user (approximately: `MAXLEN ~` trims whole stream nodes). */
  maxEntries: number;
  /** A user's log lives this long after their last event. */
  ttlSeconds: number;
}

/**
 * Retries come within minutes (job backoff, stalled jobs, ioredis re-sending); longer would hold a key per event for
 * nothing.
 */
const LOGGED_TTL_S = 3600;

/**
 * One step, so the id a live listener hears is the entry id kept for replay. Each event is logged
 * once: a subscriber job that runs again, or a command ioredis re-sends after a reconnect, finds
 * the event already logged (and announced) and gets its first id back.
 */
const APPEND = new RedisScript(`
local logged = redis.call('GET', KEYS[2])
if logged then return logged end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], id, 'EX', ARGV[5])
redis.call('PUBLISH', ARGV[1], '{"streamId":"' .. id .. '","event":' .. ARGV[4] .. '}')
return id
`);

/**
 * The log's bounds and the entries after ARGV[1] (only when it is not older than the log), in one
 * step so trimming cannot cut between them. A missing or empty log gets a marker entry (no `e`
 * field), so a client always leaves with a position that is in the log.
 */
const READ = new RedisScript(`
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
if not first then
  local id = redis.call('XADD', KEYS[1], '*', 'm', '1')
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return {id, id, {}}
end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
local after = {}
if ARGV[1] ~= '' then
  local kept = redis.pcall('XRANGE', KEYS[1], '-', ARGV[1], 'COUNT', 1)
  if not kept.err and #kept > 0 then
    local entries = redis.pcall('XRANGE', KEYS[1], '(' .. ARGV[1], '+')
    if not entries.err then after = entries end
  end
end
return {first[1], last[1], after}
`);

/** Logs the event and announces it on the user's channel; resolves to its stream id. */
export async function appendToLiveLog(
  redis: Redis,
  settings: LiveLogSettings,
  userId: string,
  event: LiveEvent,
): Promise<string> {
  const keys = [logKey(settings.prefix, userId), loggedKey(settings.prefix, event.id)];
  return String(
    await APPEND.run(redis, keys, [
      liveChannel(settings.prefix, userId),
      settings.maxEntries,
      settings.ttlSeconds,
      JSON.stringify(event),
      LOGGED_TTL_S,
    ]),
  );
}

/** The user's log as a client resuming after `after` needs it (without `after`: its bounds only). */
export async function readLiveLog(
  redis: Redis,
  settings: LiveLogSettings,
  userId: string,
  after?: string,
): Promise<LiveLogSnapshot> {
  const [first, last, entries] = (await READ.run(
    redis,
    [logKey(settings.prefix, userId)],
    [after ?? '', settings.ttlSeconds],
  )) as [string, string, [string, string[]][]];
  return { first, last, after: entries.flatMap(([streamId, fields]) => toEntry(streamId, fields)) };
}

function toEntry(streamId: string, fields: string[]): LiveLogEntry[] {
  if (fields[0] !== 'e') return []; // a marker
  try {
    return [{ streamId, event: JSON.parse(fields[1]) as LiveEvent }];
  } catch {
    return [];
  }
}

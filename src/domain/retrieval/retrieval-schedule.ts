import { RetrievalTier } from '../storage';

export interface RetrievalScheduleSettings {
  /** First poll and base interval per tier, in ms. */
  pollMs: Record<RetrievalTier, number>;
  /** A restore still running after this many times the tier's longest typical wait is given up. */
  giveUpFactor: number;
}

const GROWTH = 1.5;
const MAX_STRETCH = 4;
/** When a provider states no typical wait for a tier. */
const DEFAULT_MINUTES: Record<RetrievalTier, number> = { expedited: 5, standard: 12 * 60, bulk: 48 * 60 };

/**
 * When to ask a provider about a restore, and when to stop asking. Polls follow the tier (minutes
 * for Expedited, tens of minutes for Standard, hourly for Bulk), each interval ×1.5 the last up to
 * 4× the base, so a slow restore costs few requests; a restore that outlives its give-up time fails.
 */
export class RetrievalSchedule {
  constructor(private readonly settings: RetrievalScheduleSettings) {}

  /** The wait after `checks` looks so far (the first look is made at once, when the request is made). */
  nextDelayMs(tier: RetrievalTier, checks: number): number {
    const base = this.settings.pollMs[tier];
    return Math.round(base * Math.min(MAX_STRETCH, GROWTH ** checks));
  }

  estimatedReadyAt(tier: RetrievalTier, typicalMinutes: number | undefined, from: Date): Date {
    return new Date(from.getTime() + (typicalMinutes ?? DEFAULT_MINUTES[tier]) * 60_000);
  }

  giveUpAt(tier: RetrievalTier, typicalMinutes: number | undefined, requestedAt: Date): Date {
    const wait = (typicalMinutes ?? DEFAULT_MINUTES[tier]) * 60_000 * this.settings.giveUpFactor;
    // Never sooner than two polls: a give-up must follow at least one real look.
    return new Date(requestedAt.getTime() + Math.max(wait, 2 * this.settings.pollMs[tier]));
  }
}

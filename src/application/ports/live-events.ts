/** What a connected client receives about its own things. */
export interface LiveEvent {
  /** The domain event's id (stable: the same event never gets another). */
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * Port: pushes an event to every connection of a user, on whichever API instance it is, and keeps
 * it a while so a client that reconnects gets what it missed. Publishing the same event id again
 * adds nothing (subscriber jobs may run twice).
 */
export interface LiveEventPublisher {
  publish(userId: string, event: LiveEvent): Promise<void>;
}
export const LIVE_EVENT_PUBLISHER = Symbol('LiveEventPublisher');

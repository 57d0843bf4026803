export interface WebhookSettings {
  /** Accept http:// endpoint URLs (tests, trusted internal receivers); https only otherwise. */
  allowHttp: boolean;
  /** How many endpoints one user may register. */
  maxPerUser: number;
  /** After a rotation, deliveries are signed with the replaced secret too for this long (0: not at all). */
  secretRotationGraceMs: number;
}
export const WEBHOOK_SETTINGS = Symbol('WebhookSettings');

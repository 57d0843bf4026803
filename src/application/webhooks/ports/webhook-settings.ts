export interface WebhookSettings {
  /** Accept http:// endpoint URLs (tests, trusted internal receivers); https only otherwise. */
  allowHttp: boolean;
  /** How many endpoints one user may register. */
  maxPerUser: number;
}
export const WEBHOOK_SETTINGS = Symbol('WebhookSettings');

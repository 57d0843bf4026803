/**
 * What a receiver's answer means for a delivery:
 * - 2xx: delivered.
 * - 408, 429 and 5xx: the receiver is busy or broken right now: retried with backoff.
 * - 3xx: redirects are never followed (the target would escape the address check): permanent,
 *   the endpoint's URL should be updated.
 * - any other 4xx: the receiver understood the request and refused it (a wrong secret, a route that
 *   is gone); the same request again will be refused again: permanent. The job is dead-lettered at
 *   once, and an admin can retry it after the receiver is mended.
 */
export type DeliveryVerdict = 'delivered' | 'retry' | 'permanent';

export function verdictForStatus(status: number): DeliveryVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

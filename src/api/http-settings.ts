/** What the HTTP layer needs to know of the deployment. */
export interface HttpSettings {
  /** The URL clients use to reach the service (scheme, host, any path prefix), without a trailing slash. */
  publicUrl?: string;
}
export const HTTP_SETTINGS = Symbol('HttpSettings');

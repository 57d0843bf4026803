/** Settings resolved at start-up (services found or started, secrets loaded), after AppConfig. */
export interface RuntimeSettings {
  databaseUrl: string;
  redisUrl: string;
  jwtSecret: string;
}
export const RUNTIME = Symbol('RuntimeSettings');

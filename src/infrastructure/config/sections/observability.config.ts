import { EnvReader } from '../env-reader';

export interface ObservabilityConfig {
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  logLevel: string;
}

export function readObservabilityConfig(env: EnvReader): ObservabilityConfig {
  return { metricsToken: env.secret('METRICS_TOKEN'), logLevel: env.string('LOG_LEVEL', 'log') };
}

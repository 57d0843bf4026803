import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The service's Prometheus metrics, one registry per process (GET /metrics). Names follow the
 * Prometheus conventions: base units (seconds, bytes), `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'flexstorage_http_request_duration_seconds',
    help: 'HTTP request durations by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });

  readonly bytes = new Counter({
    name: 'flexstorage_file_bytes_total',
    help: 'File bytes received by uploads (direction="uploaded") and sent by downloads (direction="downloaded")',
    labelNames: ['direction'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'flexstorage_jobs_total',
    help: 'Job attempts that ended, per queue and outcome (completed, failed: last attempt, retried: another attempt follows)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'flexstorage_job_duration_seconds',
    help: 'Job attempt durations per queue',
    labelNames: ['queue'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'flexstorage_' });
  }
}

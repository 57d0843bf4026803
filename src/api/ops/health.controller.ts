import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, MikroOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { STORAGE_PROVIDER_REGISTRY } from '../../application/ports';
import { InMemoryStorageProviderRegistry } from '../../infrastructure/storage-providers/storage-provider.registry';
import { REDIS_CLIENT } from '../../infrastructure/jobs/redis.client';
import { QueueHealthCheck } from '../../infrastructure/jobs/queue-health';
import { ApiProblem } from '../problem/api-problem-responses';
import { HealthIndicatorResponse, HealthReportResponse } from './health.dto';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: MikroOrmHealthIndicator,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: InMemoryStorageProviderRegistry,
    private readonly queues: QueueHealthCheck,
  ) {}

  @Get()
  // terminus would document its own inline schemas, and a 503 as JSON: it is a problem (see ProblemFilter).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ summary: 'Database, Redis, job queues and storage providers (no token)' })
  @ApiExtraModels(HealthIndicatorResponse)
  @ApiOkResponse({ type: HealthReportResponse, description: 'Every dependency answers.' })
  @ApiProblem(503, {
    code: 'service-unavailable',
    title: 'Service Unavailable',
    detail: 'A dependency is down; see details.',
    description: 'A dependency is down; `details` says which.',
  })
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        // The shared client queues commands while disconnected (workers must ride out a restart),
        // so a probe asks whether it is connected first and never waits more than a second.
        if (this.redis.status !== 'ready') return indicator.down({ message: `not connected (${this.redis.status})` });
        try {
          await Promise.race([
            this.redis.ping(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1 s')), 1000).unref()),
          ]);
          return indicator.up();
        } catch (e) {
          return indicator.down({ message: (e as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('jobs');
        if (this.redis.status !== 'ready') return indicator.down({ message: 'Redis is not connected' });
        try {
          const health = await this.queues.check();
          const details = { queues: health.queues, ...(health.warnings.length ? { warnings: health.warnings } : {}) };
          return health.healthy ? indicator.up(details) : indicator.down({ problems: health.problems, ...details });
        } catch (e) {
          return indicator.down({ message: (e as Error).message });
        }
      },
      async () => {
        const indicator = this.indicators.check('storage');
        const results = await this.providers.checkAll();
        return Object.values(results).some((r) => r.healthy) ? indicator.up(results) : indicator.down(results);
      },
    ]);
  }
}

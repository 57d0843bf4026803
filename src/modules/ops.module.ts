import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DashboardSessionController } from '../api/ops/dashboard-session.controller';
import { HealthController } from '../api/ops/health.controller';
import { MetricsController } from '../api/ops/metrics.controller';
import { DashboardSessions } from '../infrastructure/auth/dashboard-session';
import { QueueHealthCheck } from '../infrastructure/jobs/queue-health';
import { QueueMetrics } from '../infrastructure/observability/queue-metrics';
import { featureModule, ModuleOptions } from './feature-module';

/** What operators look at: /health, /metrics (with the queue gauges) and the queue dashboard's sessions. */
@Module({})
export class OpsModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(OpsModule, options, {
      imports: [TerminusModule],
      providers: [QueueMetrics, QueueHealthCheck],
      controllers: [HealthController, MetricsController, DashboardSessionController],
      apiProviders: [DashboardSessions],
      exports: [QueueHealthCheck],
    });
  }
}

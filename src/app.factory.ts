import { INestApplication, Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { problemValidationPipe } from './api/problem/validation.pipe';
import { TUS_EXPOSED_HEADERS, TUS_REQUEST_HEADERS } from './api/uploads/tus-headers';
import { tusMiddleware } from './api/uploads/tus.middleware';
import { AppModule, AppModuleOptions } from './app.module';
import { mountQueueDashboard } from './api/ops/queue-dashboard';
import { liveEventsTokenFromQuery } from './api/live-events/events.controller';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { httpMetrics } from './infrastructure/observability/http-metrics.middleware';
import { Metrics } from './infrastructure/observability/metrics';
import { describeApi } from './api/openapi/api-document';
import { AppConfig, loadConfig } from './infrastructure/config/app-config';
import { RuntimeSettings } from './infrastructure/config/runtime';

export const API_PREFIX = 'api/v1';
/** A connection that sends and receives nothing for this long is closed. */
export const HTTP_IDLE_TIMEOUT_MS = 120_000;

/** Builds the HTTP application exactly as `npm start` runs it; tests use the same function. */
export async function createHttpApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(options), {
    bufferLogs: true,
    bodyParser: true,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.use(httpMetrics(app.get(Metrics)));
  app.disable('x-powered-by');
  const server = app.getHttpServer();
  // Node cuts any request after 5 minutes by default: a large upload over a phone network (or one
  // tus PATCH for a whole file) takes longer. What is cut instead is a connection idle this long.
  server.requestTimeout = 0;
  server.setTimeout(HTTP_IDLE_TIMEOUT_MS);
  // Express would hash every JSON body for a weak ETag; API responses are not cached that way, and
  // file content sets its own strong ETag (the SHA-256).
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.useBodyParser('json', { limit: '1mb' });
  // Before CORS, so tus discovery headers survive a preflight answer.
  app.use(`/${API_PREFIX}/uploads`, tusMiddleware(options.config.uploads.maxSize));
  app.use(`/${API_PREFIX}/events`, liveEventsTokenFromQuery);
  if (options.config.corsOrigins.length) {
    const origins = options.config.corsOrigins;
    app.enableCors({
      origin: origins.includes('*') ? true : origins,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
      allowedHeaders: [...TUS_REQUEST_HEADERS, 'Range', 'If-None-Match', 'If-Range', 'x-content-sha256'],
      exposedHeaders: [...TUS_EXPOSED_HEADERS, 'Content-Range', 'Content-Disposition', 'ETag', 'Retry-After'],
      maxAge: 86_400,
    });
  }
  routeUnderApiPrefix(app);
  mountQueueDashboard(app);
  app.useGlobalPipes(problemValidationPipe());
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, describeApi(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  return app;
}

/** Preview mode instantiates no provider, so nothing reads these: they only stand in for the real ones. */
const PREVIEW_RUNTIME = {
  databaseUrl: 'postgres://preview.invalid/flexstorage',
  redisUrl: 'redis://preview.invalid',
  jwtSecret: '',
  webhookSecretKeys: [],
} satisfies Partial<RuntimeSettings> as RuntimeSettings;

/**
 * The document `/docs-json` serves, without a database, Redis or a port: Nest's preview mode
 * registers every module and controller and instantiates none. The client package is generated
 * from it (`npm run client:generate`).
 */
export async function createApiDocument(config: AppConfig = loadConfig({})): Promise<OpenAPIObject> {
  const app = await NestFactory.create(
    AppModule.register({ config, runtime: PREVIEW_RUNTIME, api: true, workers: false }),
    {
      preview: true,
      logger: false,
    },
  );
  routeUnderApiPrefix(app);
  try {
    return describeApi(app);
  } finally {
    await app.close();
  }
}

/** REST under /api/v1; health and metrics at the root, where probes and scrapers look. */
function routeUnderApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

export async function createWorkerApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.createApplicationContext(
    AppModule.register({ ...options, api: false, workers: true }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.enableShutdownHooks();
  new Logger('Worker').log('Workers started');
  return app as unknown as INestApplication;
}

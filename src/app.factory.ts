import { INestApplication, Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { answerParserErrorsAsProblems } from './api/problem/client-error';
import { problemValidationPipe } from './api/problem/validation.pipe';
import { corsOptions } from './api/cors-policy';
import { tusMiddleware } from './api/uploads/tus.middleware';
import { AppModule, AppModuleOptions } from './app.module';
import { mountQueueDashboard } from './api/ops/queue-dashboard';
import { liveEventsTokenFromQuery } from './api/live-events/events.controller';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { httpMetrics } from './infrastructure/observability/http-metrics.middleware';
import { Metrics } from './infrastructure/observability/metrics';
import { jsonBody, urlencodedBody } from './api/validation/request-bodies';
import { refuseUnstorableRequestText } from './api/validation/request-text';
import { describeApi } from './api/openapi/api-document';
import { AppConfig, loadConfig } from './infrastructure/config/app-config';
import { RuntimeSettings } from './infrastructure/config/runtime';

export const API_PREFIX = 'api/v1';
/** A connection that sends and receives nothing for this long is closed. */
export const HTTP_IDLE_TIMEOUT_MS = 120_000;
/** Form bodies (nothing here needs one) keep Nest's default parser limit. */
const FORM_BODY_LIMIT = 100 * 1024;

/** Builds the HTTP application exactly as `npm start` runs it; tests use the same function. */
export async function createHttpApp(options: AppModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(options), {
    bufferLogs: true,
    // The parsers are mounted below, with limits and checks of their own.
    bodyParser: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.use(httpMetrics(app.get(Metrics)));
  app.disable('x-powered-by');
  const server = app.getHttpServer();
  // Node cuts any request after 5 minutes by default: a large upload over a phone network (or one
  // tus PATCH for a whole file) takes longer. What is cut instead is a connection idle this long.
  server.requestTimeout = 0;
  server.setTimeout(HTTP_IDLE_TIMEOUT_MS);
  answerParserErrorsAsProblems(server);
  // Express would hash every JSON body for a weak ETag; API responses are not cached that way, and
  // file content sets its own strong ETag (the SHA-256).
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  // Before CORS, so tus discovery headers survive a preflight answer.
  app.use(`/${API_PREFIX}/uploads`, tusMiddleware(options.config.uploads.maxSize));
  app.use(`/${API_PREFIX}/events`, liveEventsTokenFromQuery);
  if (options.config.corsOrigins.length) app.enableCors(corsOptions(options.config.corsOrigins));
  // After CORS, so a page can read the 400/413/415 problems these answer (a refused body or text).
  app.use(jsonBody(options.config.maxJsonBodyBytes));
  app.use(urlencodedBody(FORM_BODY_LIMIT));
  app.use(refuseUnstorableRequestText);
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
  mediaUrlKeys: [],
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

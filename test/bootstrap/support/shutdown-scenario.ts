/**
 * A process shaped like main.ts: an embedded Redis, then a Nest app with shutdown hooks whose
 * closing takes a while and checks that Redis is still there. Run by graceful-shutdown.int-spec.
 * Arguments: DATA_DIR, milliseconds the app takes to close.
 */
import 'reflect-metadata';
import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startEmbeddedRedis } from '../../../src/infrastructure/bootstrap/embedded-redis';
import { GracefulShutdown } from '../../../src/infrastructure/bootstrap/graceful-shutdown';
import { askRedis } from '../../../src/infrastructure/bootstrap/tcp-probe';

const [dataDir, closeMs] = process.argv.slice(2);
let redisUrl = '';

@Injectable()
class SlowToClose implements OnApplicationShutdown {
  async onApplicationShutdown(signal?: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, Number(closeMs)));
    const { hostname, port } = new URL(redisUrl);
    console.log(
      `app closed (${signal ?? 'no signal'}), redis answered ${await askRedis({ host: hostname, port: Number(port) })}`,
    );
  }
}

@Module({ providers: [SlowToClose] })
class ScenarioModule {}

async function main(): Promise<void> {
  const shutdown = new GracefulShutdown();
  const redis = await startEmbeddedRedis(dataDir);
  if (!redis) throw new Error('redis-server is not on PATH');
  shutdown.add({ name: 'embedded Redis', stop: redis.stop, kill: redis.kill });
  redisUrl = redis.url;
  await shutdown.adopt(async () => {
    const app = await NestFactory.createApplicationContext(ScenarioModule);
    return app.enableShutdownHooks();
  });
  setInterval(() => undefined, 60_000); // what the HTTP server or the queue connections do in main.ts
  console.log(`ready ${redis.url}`);
}

void main();

import { GUARDS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService } from '@nestjs/core';
import { JwtAuthGuard } from '../src/api/auth/jwt-auth.guard';
import { PublicAccessGuard } from '../src/api/public-access/public-access.guard';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Which routes let a request in without a bearer token, read from the running app's controllers: a
 * new public route (a share link) has to go through PublicAccessGuard, or be added here on purpose.
 */
describe('public access: one guard admits requests without a token', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { workers: false });
  });
  afterAll(() => t?.close());

  function routes() {
    return t.app
      .get(DiscoveryService)
      .getControllers()
      .flatMap(({ metatype }) => {
        const controller = metatype as new (...args: never[]) => object;
        const proto = controller.prototype as Record<string, unknown>;
        return Object.getOwnPropertyNames(proto)
          .filter((name) => name !== 'constructor' && Reflect.hasMetadata(PATH_METADATA, proto[name] as object))
          .map((name) => {
            const guards: unknown[] = [
              ...(Reflect.getMetadata(GUARDS_METADATA, controller) ?? []),
              ...(Reflect.getMetadata(GUARDS_METADATA, proto[name] as object) ?? []),
            ];
            return { route: `${controller.name}.${name}`, guards };
          });
      });
  }

  it('lets in without a token only sign-in, the ops probes, tus discovery and the PublicAccessGuard routes', () => {
    const withoutToken = routes().filter((r) => !r.guards.includes(JwtAuthGuard));
    const open = withoutToken.filter((r) => !r.guards.includes(PublicAccessGuard)).map((r) => r.route);
    expect(open.sort()).toEqual([
      'AuthController.login', // throttled (AUTH_RATE_LIMIT)
      'AuthController.refresh',
      'AuthController.register',
      'HealthController.check',
      'MetricsController.scrape',
      'UploadsController.discover', // OPTIONS: what the tus server supports
      'UploadsController.discoverUpload',
    ]);
    const admitted = withoutToken.filter((r) => r.guards.includes(PublicAccessGuard)).map((r) => r.route);
    expect(admitted.sort()).toEqual(['SignedMediaController.content', 'SignedMediaController.thumbnail']);
  });

  it('never puts PublicAccessGuard and the JWT guard on one route (a signed URL needs no token)', () => {
    const both = routes().filter((r) => r.guards.includes(PublicAccessGuard) && r.guards.includes(JwtAuthGuard));
    expect(both).toEqual([]);
  });
});

import { DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { AuthController } from '../api/auth/auth.controller';
import { USER_EVENTS } from '../domain/auth';
import { AUTH_PROVIDERS } from '../infrastructure/auth/auth.providers';
import { featureModule, ModuleOptions } from './feature-module';

/** Sign-up, sign-in, token refresh and bearer-token checks: the API's; workers only rebuild user events. */
@Module({})
export class AuthModule {
  static register(options: ModuleOptions): DynamicModule {
    const { limit, windowSeconds } = options.config.authRateLimit;
    return featureModule(AuthModule, options, {
      imports: [
        PassportModule,
        // In-process counters: with several API instances each enforces the limit on its own.
        ThrottlerModule.forRoot([{ name: 'default', ttl: windowSeconds * 1000, limit }]),
      ],
      controllers: [AuthController],
      apiProviders: AUTH_PROVIDERS,
      events: USER_EVENTS,
    });
  }
}

import { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { pinoLevel } from './logging';

/**
 * JSON lines for what is logged before the application exists (finding or starting PostgreSQL and
 * Redis, migrations), in the same shape as the app's own logger takes over with.
 */
export class BootstrapLogger implements LoggerService {
  private readonly logger: pino.Logger;

  constructor(level: string) {
    this.logger = pino({ level: pinoLevel(level) });
  }

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}

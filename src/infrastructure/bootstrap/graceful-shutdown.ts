import { INestApplicationContext, Logger } from '@nestjs/common';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/**
 * Under `npm start` a Ctrl+C reaches node twice, from the terminal and forwarded by npm: a repeat
 * this soon is the same request, not a second one.
 */
const SAME_REQUEST_MS = 1000;

export interface ShutdownStep {
  name: string;
  /** `signal`: what started the shutdown, if a signal did. */
  stop(signal?: string): Promise<void>;
  /** Synchronous last resort, for a forced exit or the process 'exit' event. */
  kill?(): void;
}

/**
 * Owns SIGINT/SIGTERM/SIGHUP for the whole process. The first signal closes the app, then stops
 * what start-up started (Redis, then PostgreSQL), then exits; a second signal exits at once,
 * asking the embedded servers to shut down on their own. If the process exits any other way
 * (a start-up error, an uncaught exception) the embedded servers are still told to stop.
 */
export class GracefulShutdown {
  private readonly steps: ShutdownStep[] = [];
  private readonly done = new Set<ShutdownStep>();
  private exiting?: Promise<never>;
  private firstSignalAt = 0;
  private readonly onSignal = (signal: NodeJS.Signals) => this.handleSignal(signal);
  private readonly onExit = () => this.killRemaining();

  constructor(private readonly logger = new Logger('Shutdown')) {
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
    process.on('exit', this.onExit);
  }

  /** Steps run in reverse order of adding: what started last stops first. */
  add(step: ShutdownStep): void {
    this.steps.push(step);
  }

  /**
   * Creates the Nest app and takes back the signal listeners its enableShutdownHooks() added:
   * Nest would close the app and re-raise the signal, killing the process before the embedded
   * servers are stopped. Here the app is closed as the first step instead, with the same hooks.
   */
  async adopt<T extends INestApplicationContext>(create: () => Promise<T>): Promise<T> {
    const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
    const app = await create();
    for (const signal of SIGNALS) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener))
          process.removeListener(signal, listener as (...args: unknown[]) => void);
      }
    }
    // NestApplicationContext.close() passes the signal on to onApplicationShutdown hooks; its interface omits the
    // parameter.
    const closable = app as unknown as { close(signal?: string): Promise<void> };
    this.add({ name: 'application', stop: (signal) => closable.close(signal) });
    return app;
  }

  /** Runs every step once, then exits with `code` (or 1 if a step failed). */
  exit(code: number, signal?: NodeJS.Signals): Promise<never> {
    this.exiting ??= this.run(code, signal);
    return this.exiting;
  }

  /** Exits without waiting: embedded servers are asked to shut down cleanly on their own. */
  exitNow(code: number): never {
    this.killRemaining();
    process.exit(code);
  }

  private handleSignal(signal: NodeJS.Signals): void {
    if (this.exiting) {
      if (Date.now() - this.firstSignalAt < SAME_REQUEST_MS) return;
      this.logger.warn(`${signal} again: exiting now`);
      this.exitNow(1);
    }
    this.firstSignalAt = Date.now();
    this.logger.log(`${signal} received: shutting down (send it again to exit at once)`);
    void this.exit(0, signal);
  }

  private async run(code: number, signal?: NodeJS.Signals): Promise<never> {
    for (const step of [...this.steps].reverse()) {
      try {
        await step.stop(signal);
      } catch (error) {
        this.logger.error(`Stopping ${step.name} failed: ${(error as Error).message}`);
        code ||= 1;
        step.kill?.();
      }
      this.done.add(step);
    }
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
    if (this.steps.length) this.logger.log('Shut down');
    process.exit(code);
  }

  private killRemaining(): void {
    for (const step of [...this.steps].reverse()) {
      if (!this.done.has(step)) step.kill?.();
      this.done.add(step);
    }
  }
}

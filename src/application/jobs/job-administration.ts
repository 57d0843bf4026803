import { Inject, Injectable } from '@nestjs/common';
import { Actor, isAdmin } from '../../domain/auth/role';
import { DeadLetterView, JOB_INSPECTOR, JobInspector, JobPriority, JobView, QueueCounts } from '../ports';
import { assertAdmin, JobNotFoundError } from './job.errors';

export type DiagnosticJobName = 'noop' | 'sleep';

export interface DiagnosticJobData {
  ms?: number;
  steps?: number;
  failTimes?: number;
  ownerId?: string;
}

/**
 * Looking at and steering background jobs. A plain service, not commands: each method is one
 * access check in front of the JobInspector port. A user sees the jobs about their own files;
 * system jobs and other users' jobs are "not found". Everything else is for admins.
 */
@Injectable()
export class JobAdministration {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}

  async get(actor: Actor, ref: string): Promise<JobView> {
    const job = await this.jobs.find(ref);
    const visible = job && (isAdmin(actor) || (job.ownerId !== null && job.ownerId === actor.userId));
    if (!visible) throw new JobNotFoundError(ref);
    return job;
  }

  async cancel(actor: Actor, ref: string): Promise<{ outcome: 'removed' | 'signalled' | 'already-finished' }> {
    await this.get(actor, ref);
    return { outcome: await this.jobs.cancel(ref) };
  }

  queues(actor: Actor): Promise<QueueCounts[]> {
    assertAdmin(actor);
    return this.jobs.counts();
  }

  setPaused(actor: Actor, queue: string, paused: boolean): Promise<QueueCounts> {
    assertAdmin(actor);
    return this.jobs.setPaused(queue, paused);
  }

  deadLetters(actor: Actor, limit: number, offset: number): Promise<{ total: number; items: DeadLetterView[] }> {
    assertAdmin(actor);
    return this.jobs.deadLetters(limit, offset);
  }

  async retryDeadLetter(actor: Actor, id: string): Promise<{ retriedAs: string }> {
    assertAdmin(actor);
    const retriedAs = await this.jobs.retryDeadLetter(id);
    if (!retriedAs) throw new JobNotFoundError(id);
    return { retriedAs };
  }

  async discardDeadLetter(actor: Actor, id: string): Promise<void> {
    assertAdmin(actor);
    if (!(await this.jobs.discardDeadLetter(id))) throw new JobNotFoundError(id);
  }

  /** Diagnostics: a no-op or a sleep (with progress) to check that workers run, optionally on a user's behalf. */
  async enqueueDiagnostic(actor: Actor, name: DiagnosticJobName, data: DiagnosticJobData, priority?: JobPriority) {
    assertAdmin(actor);
    const onBehalfOf = { ...data, ownerId: data.ownerId ?? actor.userId };
    const ref = await this.jobs.enqueue('diagnostics', name, onBehalfOf, priority);
    return (await this.jobs.find(ref))!;
  }
}

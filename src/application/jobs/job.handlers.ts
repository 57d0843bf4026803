import { Inject } from '@nestjs/common';
import { Command, CommandHandler, ICommandHandler, IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Actor, isAdmin } from '../../domain/auth/role';
import { DeadLetterView, JOB_INSPECTOR, JobInspector, JobPriority, JobView, QueueCounts } from '../ports';
import { assertAdmin, JobNotFoundError } from './job.errors';

// A user sees the jobs about their own files; system jobs and other users' jobs are "not found".

export class GetJobQuery extends Query<JobView> {
  constructor(readonly actor: Actor, readonly ref: string) {
    super();
  }
}

export class CancelJobCommand extends Command<{ outcome: 'removed' | 'signalled' | 'already-finished' }> {
  constructor(readonly actor: Actor, readonly ref: string) {
    super();
  }
}

export class ListQueuesQuery extends Query<QueueCounts[]> {
  constructor(readonly actor: Actor) {
    super();
  }
}

export class SetQueuePausedCommand extends Command<QueueCounts> {
  constructor(readonly actor: Actor, readonly queue: string, readonly paused: boolean) {
    super();
  }
}

export class ListDeadLettersQuery extends Query<{ total: number; items: DeadLetterView[] }> {
  constructor(readonly actor: Actor, readonly limit: number, readonly offset: number) {
    super();
  }
}

export class ResolveDeadLetterCommand extends Command<{ retriedAs?: string }> {
  constructor(readonly actor: Actor, readonly id: string, readonly action: 'retry' | 'discard') {
    super();
  }
}

/** Diagnostics: a no-op or a sleep (with progress) to check that workers run, optionally on a user's behalf. */
export class EnqueueDiagnosticJobCommand extends Command<JobView> {
  constructor(
    readonly actor: Actor,
    readonly name: 'noop' | 'sleep',
    readonly data: { ms?: number; steps?: number; failTimes?: number; ownerId?: string },
    readonly priority?: JobPriority,
  ) {
    super();
  }
}

async function visibleJob(jobs: JobInspector, actor: Actor, ref: string): Promise<JobView> {
  const job = await jobs.find(ref);
  if (!job || !(isAdmin(actor) || (job.ownerId !== null && job.ownerId === actor.userId))) throw new JobNotFoundError(ref);
  return job;
}

@QueryHandler(GetJobQuery)
export class GetJobHandler implements IQueryHandler<GetJobQuery, JobView> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  execute({ actor, ref }: GetJobQuery): Promise<JobView> {
    return visibleJob(this.jobs, actor, ref);
  }
}

@CommandHandler(CancelJobCommand)
export class CancelJobHandler implements ICommandHandler<CancelJobCommand> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  async execute({ actor, ref }: CancelJobCommand) {
    await visibleJob(this.jobs, actor, ref);
    return { outcome: await this.jobs.cancel(ref) };
  }
}

@QueryHandler(ListQueuesQuery)
export class ListQueuesHandler implements IQueryHandler<ListQueuesQuery, QueueCounts[]> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  execute({ actor }: ListQueuesQuery): Promise<QueueCounts[]> {
    assertAdmin(actor);
    return this.jobs.counts();
  }
}

@CommandHandler(SetQueuePausedCommand)
export class SetQueuePausedHandler implements ICommandHandler<SetQueuePausedCommand> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  execute({ actor, queue, paused }: SetQueuePausedCommand): Promise<QueueCounts> {
    assertAdmin(actor);
    return this.jobs.setPaused(queue, paused);
  }
}

@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  execute({ actor, limit, offset }: ListDeadLettersQuery) {
    assertAdmin(actor);
    return this.jobs.deadLetters(limit, offset);
  }
}

@CommandHandler(ResolveDeadLetterCommand)
export class ResolveDeadLetterHandler implements ICommandHandler<ResolveDeadLetterCommand> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  async execute({ actor, id, action }: ResolveDeadLetterCommand): Promise<{ retriedAs?: string }> {
    assertAdmin(actor);
    if (action === 'discard') {
      if (!(await this.jobs.discardDeadLetter(id))) throw new JobNotFoundError(id);
      return {};
    }
    const retriedAs = await this.jobs.retryDeadLetter(id);
    if (!retriedAs) throw new JobNotFoundError(id);
    return { retriedAs };
  }
}

@CommandHandler(EnqueueDiagnosticJobCommand)
export class EnqueueDiagnosticJobHandler implements ICommandHandler<EnqueueDiagnosticJobCommand> {
  constructor(@Inject(JOB_INSPECTOR) private readonly jobs: JobInspector) {}
  async execute({ actor, name, data, priority }: EnqueueDiagnosticJobCommand): Promise<JobView> {
    assertAdmin(actor);
    const ref = await this.jobs.enqueue('diagnostics', name, { ...data, ownerId: data.ownerId ?? actor.userId }, priority);
    return (await this.jobs.find(ref))!;
  }
}

export const JOB_QUERY_HANDLERS = [GetJobHandler, ListQueuesHandler, ListDeadLettersHandler];
export const JOB_COMMAND_HANDLERS = [CancelJobHandler, SetQueuePausedHandler, ResolveDeadLetterHandler, EnqueueDiagnosticJobHandler];

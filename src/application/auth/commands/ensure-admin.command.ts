import { Command } from '@nestjs/cqrs';

export type EnsureAdminOutcome = 'created' | 'updated' | 'unchanged';

/** Run at start-up from ADMIN_EMAIL / ADMIN_PASSWORD. */
export class EnsureAdminCommand extends Command<EnsureAdminOutcome> {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {
    super();
  }
}

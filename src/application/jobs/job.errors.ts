import { DomainError } from '../../domain/shared';
import { Actor, isAdmin } from '../../domain/auth/role';

export class JobNotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  readonly code = 'job-not-found';
  constructor(ref: string) {
    super(`No job ${ref}.`);
  }
}

export class AdminOnlyError extends DomainError {
  readonly kind = 'forbidden' as const;
  readonly code = 'admin-only';
  constructor() {
    super('Only an administrator may do this.');
  }
}

export function assertAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new AdminOnlyError();
}

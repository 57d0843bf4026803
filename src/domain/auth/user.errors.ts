import { DomainError } from '../shared';

export class EmailAlreadyRegisteredError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'email-already-registered';
  constructor() {
    super('An account with this email address already exists.', [{ field: 'email', message: 'is already registered' }]);
  }
}

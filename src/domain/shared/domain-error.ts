/**
 * What kind of rule was broken. The API maps kinds to HTTP statuses; the domain never speaks HTTP.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'not-found'
  | 'conflict'
  | 'forbidden'
  | 'too-large'
  | 'unavailable'
  | 'precondition'
  /** The resource existed but is gone for good (an expired or terminated upload). */
  | 'gone'
  /** Another request holds the resource right now; try again shortly. */
  | 'locked'
  /** A per-user limit on how many of something may exist at once. */
  | 'too-many'
  /** Well-formed request, but the content it concerns cannot be processed (a corrupt image). */
  | 'unprocessable';

export interface FieldError {
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** Stable machine-readable code, e.g. `file-too-large`; becomes the problem `type`. */
  abstract readonly code: string;
  readonly fieldErrors?: FieldError[];

  constructor(message: string, fieldErrors?: FieldError[]) {
    super(message);
    this.name = new.target.name;
    this.fieldErrors = fieldErrors;
  }
}

export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  readonly code: string;
  constructor(message: string, options: { code?: string; fieldErrors?: FieldError[] } = {}) {
    super(message, options.fieldErrors);
    this.code = options.code ?? 'validation-failed';
  }
}

export class InvalidStateTransitionError extends DomainError {
  readonly kind = 'conflict' as const;
  readonly code = 'invalid-state-transition';
  constructor(
    readonly from: string,
    readonly to: string,
    what = 'file',
  ) {
    super(`A ${what} cannot move from ${from} to ${to}.`);
  }
}

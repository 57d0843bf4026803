import { FieldError } from '../../domain/shared';

/** RFC 9457 problem details: the one error shape every endpoint answers with. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://flexstorage.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code;
}

import { Catch } from '@nestjs/common';
import { ProblemFilter } from '../problem/problem.filter';

/** problem+json as everywhere, with the statuses tus gives its own errors. */
@Catch()
export class TusProblemFilter extends ProblemFilter {
  protected override statusForCode(code: string): { status: number; title: string } | undefined {
    // tus checksum extension: 460 Checksum Mismatch.
    return code === 'chunk-checksum-mismatch' ? { status: 460, title: 'Checksum Mismatch' } : undefined;
  }
}

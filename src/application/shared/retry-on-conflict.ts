import { ConcurrentModificationError } from '../../domain/files';

/**
 * Runs `attempt` again while its save loses a version check (what it read was changed meanwhile),
 * `times` runs in all; each run reads afresh. Any other error, or the last conflict, is thrown.
 */
export async function retryOnConflict<T>(times: number, attempt: (run: number) => Promise<T>): Promise<T> {
  for (let run = 1; ; run++) {
    try {
      return await attempt(run);
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || run >= times) throw error;
    }
  }
}

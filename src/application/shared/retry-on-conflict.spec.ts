import { ConcurrentModificationError } from '../../domain/files';
import { retryOnConflict } from './retry-on-conflict';

describe('retryOnConflict', () => {
  it('runs again after a version conflict and answers the run that saved', async () => {
    const runs: number[] = [];
    const answer = await retryOnConflict(3, async (run) => {
      runs.push(run);
      if (run < 3) throw new ConcurrentModificationError('f');
      return 'saved';
    });
    expect(answer).toBe('saved');
    expect(runs).toEqual([1, 2, 3]);
  });

  it('throws the last conflict once every run lost', async () => {
    let runs = 0;
    const conflicting = async () => {
      runs++;
      throw new ConcurrentModificationError('f');
    };
    await expect(retryOnConflict(2, conflicting)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(runs).toBe(2);
  });

  it('throws any other error at once', async () => {
    let runs = 0;
    const failing = async () => {
      runs++;
      throw new Error('disk full');
    };
    await expect(retryOnConflict(3, failing)).rejects.toThrow('disk full');
    expect(runs).toBe(1);
  });
});

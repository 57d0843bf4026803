import { InvalidStateTransitionError } from '../shared';
import { UploadStatus, assertTransition, canTransition, isUploadStatus } from './upload-status';

const { Completed, Archived, Deleted } = UploadStatus;

// The full lifecycle, written out: every pair not listed here is refused.
const ALLOWED: ReadonlyArray<[UploadStatus, UploadStatus]> = [
  [Completed, Archived],
  [Completed, Deleted],
  [Archived, Completed],
  [Archived, Deleted],
  [Deleted, Completed],
  [Deleted, Archived],
];

const statuses = Object.values(UploadStatus);
const pairs = statuses.flatMap((from) => statuses.map((to) => [from, to] as const));
const isAllowed = (from: UploadStatus, to: UploadStatus) => ALLOWED.some(([f, t]) => f === from && t === to);

describe('UploadStatus transitions', () => {
  it.each(pairs.filter(([f, t]) => isAllowed(f, t)))('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each(pairs.filter(([f, t]) => !isAllowed(f, t)))(
    'refuses %s → %s with InvalidStateTransitionError',
    (from, to) => {
      expect(canTransition(from, to)).toBe(false);
      expect(() => assertTransition(from, to)).toThrow(InvalidStateTransitionError);
      expect(() => assertTransition(from, to)).toThrow(`A file cannot move from ${from} to ${to}.`);
    },
  );

  it('recognises the stored status names and nothing else', () => {
    expect(statuses.every(isUploadStatus)).toBe(true);
    expect(isUploadStatus('Completed')).toBe(false);
    expect(isUploadStatus('restored')).toBe(false);
    // No file is saved before its bytes are stored, so these never name a file.
    for (const never of ['pending', 'uploading', 'failed']) expect(isUploadStatus(never)).toBe(false);
  });
});
